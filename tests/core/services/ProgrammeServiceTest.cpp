#include "services/ProgrammeService.h"
#include "common/Error.h"
#include "store/AuditRepository.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>

using namespace cabas;
using cabas::test::TempDatabase;

TEST_CASE("administrators change the programme's rules, others are refused, conflicts are caught",
          "[services][programme]")
{
    const store::Backend backend = GENERATE(from_range(test::backendsUnderTest()));
    CABAS_BACKEND_INFO(backend);
    TempDatabase t(backend);
    auto db = t.createInitialised();
    const Session admin = test::adminSession(*db);
    const Session sw = test::sessionFor(*db, Role::SocialWorker);

    auto programme = ProgrammeService(*db, admin).load();
    REQUIRE(programme);
    Programme changed = *programme;
    changed.adultAllowanceCents = 5000;
    changed.bonusRules.push_back({0, QStringLiteral("Bonus 50 %"), 5000, 2500, QDate(2024, 6, 1), QDate()});
    ProgrammeService(*db, admin).save(changed);
    const auto reloaded = ProgrammeService(*db, sw).load();
    CHECK(reloaded->adultAllowanceCents == 5000);
    REQUIRE(reloaded->bonusRules.size() == 1);
    CHECK(reloaded->bonusRules[0].monthlyCapCents == 2500);

    // A social worker may read the rules but not change them; the refusal is audited, nothing written.
    Programme bySw = *reloaded;
    bySw.adultAllowanceCents = 1;
    try {
        ProgrammeService(*db, sw).save(bySw);
        FAIL("a social worker changed the programme");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::AccessDenied);
    }
    CHECK(ProgrammeService(*db, admin).load()->adultAllowanceCents == 5000);

    // Invalid rules are refused whole.
    Programme invalid = *ProgrammeService(*db, admin).load();
    invalid.waves.clear();
    invalid.childAllowanceCents = -1;
    try {
        ProgrammeService(*db, admin).save(invalid);
        FAIL("invalid rules were saved");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::Invalid);
        CHECK(e.message().contains(QStringLiteral("waves")));
        CHECK(e.message().contains(QStringLiteral("child_cents")));
    }
    CHECK(ProgrammeService(*db, admin).load()->childAllowanceCents == programme->childAllowanceCents);

    // Two administrators: the second save from an older copy is a conflict.
    Programme stale = *programme;
    stale.childAllowanceCents = 3000;
    try {
        ProgrammeService(*db, admin).save(stale);
        FAIL("a stale copy overwrote the rules");
    } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::Conflict);
    }
}
