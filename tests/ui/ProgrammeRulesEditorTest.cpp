#include <catch2/catch.hpp>

#include "ProgrammeEditor.h"
#include "UiTestUtil.h"
#include "demo/DemoProgramme.h"

#include <QDoubleSpinBox>

using namespace cabas;
using cabas::test::child;

TEST_CASE("ui: the programme editor keeps the allowance rules it does not show", "[ui][programme]")
{
    const QString scheme = GENERATE(as<QString>(), QStringLiteral("vitalim"), QStringLiteral("rennes"));
    INFO("scheme " << scheme.toStdString());
    const Programme loaded = DemoProgramme::scheme(scheme);
    ui::ProgrammeEditor editor;
    editor.setProgramme(loaded);
    QStringList problems;
    const Programme back = editor.programme(&problems);
    CHECK(problems.isEmpty());
    CHECK(back == loaded); // per person, or income bands with their weights and interval, as they were
    // A change in what the editor shows keeps the rest.
    editor.setProgramme(Programme::defaults(QDate(2024, 6, 1)));
    CHECK(editor.programme().allowanceKind == AllowanceKind::ByRole);
    editor.setProgramme(loaded);
    child<QDoubleSpinBox>(&editor, "adultAllowanceSpin")->setValue(12.0);
    const Programme edited = editor.programme();
    CHECK(edited.allowanceKind == loaded.allowanceKind);
    CHECK(edited.incomeBands == loaded.incomeBands);
    CHECK(edited.perPersonCents == loaded.perPersonCents);
    CHECK(edited.adultAllowanceCents == 1200);
}
