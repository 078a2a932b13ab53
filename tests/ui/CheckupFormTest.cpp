#include <catch2/catch.hpp>

#include "UiTestUtil.h"
#include "health/CheckupForm.h"
#include "health/PreventionStepForm.h"
#include "health/QuestionnaireForm.h"
#include "security/Access.h"
#include "services/HealthService.h"
#include "services/HouseholdService.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "support/TestUtil.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTest>

using namespace cabas;
using cabas::test::child;

namespace {
// Today is 10 December 2024. MMG-0001 enrolled on 4 June 2024: Anne (P-A) consented from 4 June, Bruno (P-B)
// never did.
struct FormFixture
{
    test::ScopedClock clock{QDateTime(QDate(2024, 12, 10), QTime(9, 0), Qt::UTC)};
    test::TempDatabase temp{store::Backend::Sqlite};
    std::unique_ptr<store::Database> db = test::initialisedDatabase(temp);
    Session socialWorker = test::sessionFor(*db, Role::SocialWorker);
    Session nurse = test::addUserAndLogin(*db, QStringLiteral("claire.dupuis"),
                                          QStringLiteral("Claire Dupuis"), Role::Nurse);

    FormFixture()
    {
        HouseholdService households(*db, socialWorker);
        Household h;
        h.code = QStringLiteral("MMG-0001");
        h.commune = QStringLiteral("Auch");
        h.status = HouseholdStatus::Enrolled;
        h.enrolledOn = QDate(2024, 6, 4);
        households.create(h);
        for (const auto& [code, name, consent] :
             {std::tuple{QStringLiteral("P-A"), QStringLiteral("Anne"), true},
              std::tuple{QStringLiteral("P-B"), QStringLiteral("Bruno"), false}}) {
            Person p;
            p.householdId = h.id;
            p.code = code;
            p.firstName = name;
            p.lastName = QStringLiteral("Martin");
            p.birthDate = QDate(1980, 1, 1);
            households.addPerson(p);
            if (consent) {
                Consent c;
                c.personId = p.id;
                c.purpose = ConsentPurpose::HealthFollowup;
                c.effectiveOn = QDate(2024, 6, 4);
                households.recordConsent(c);
            }
        }
    }
};

void type(QLineEdit* edit, const QString& text)
{
    edit->clear();
    QTest::keyClicks(edit, text);
}

QString decimal(double value, int decimals)
{
    return QLocale().toString(value, 'f', decimals);
}
} // namespace

TEST_CASE("ui: the checkup form shows units, computes the BMI as one types and checks the ranges",
          "[ui][health][forms][screenshot]")
{
    FormFixture f;
    ui::CheckupForm form(*f.db, f.nurse, QStringLiteral("P-A"), QStringLiteral("Anne Martin"),
                         {QStringLiteral("M0")});
    form.show();
    auto* weight = child<QLineEdit>(&form, "weightEdit");
    auto* height = child<QLineEdit>(&form, "heightEdit");
    auto* bmi = child<QLabel>(&form, "bmiLabel");
    auto* systolic = child<QLineEdit>(&form, "systolicEdit");
    auto* diastolic = child<QLineEdit>(&form, "diastolicEdit");
    auto* glucose = child<QLineEdit>(&form, "glucoseEdit");
    auto* save = child<QPushButton>(&form, "saveButton");
    auto* error = child<QLabel>(&form, "formErrorLabel");

    // The wave proposed is the first one without a checkup; today's date.
    CHECK(child<QComboBox>(&form, "checkupWave")->currentText() == QStringLiteral("M6"));
    CHECK(child<QDateEdit>(&form, "checkupDate")->date() == QDate(2024, 12, 10));
    CHECK(child<QDateEdit>(&form, "checkupDate")->maximumDate() == QDate(2024, 12, 10));
    // Units are shown next to the fields.
    QStringList labels;
    for (const QLabel* label : form.findChildren<QLabel*>())
        labels << label->text();
    for (const QString& unit : {ui::CheckupForm::tr("kg"), ui::CheckupForm::tr("cm"),
                                ui::CheckupForm::tr("mmHg"), ui::CheckupForm::tr("g/L")})
        CHECK(labels.contains(unit));

    // An empty form is a valid checkup without measures; the BMI waits for weight and height.
    CHECK(save->isEnabled());
    CHECK_FALSE(bmi->text().contains(QStringLiteral("kg/m")));

    type(weight, decimal(99.3, 1));
    CHECK_FALSE(bmi->text().contains(QStringLiteral("kg/m")));
    type(height, QStringLiteral("186"));
    CHECK(bmi->text().contains(decimal(28.7, 1)));
    CHECK(bmi->text().contains(QStringLiteral("kg/m²")));
    type(height, QStringLiteral("170"));
    CHECK(bmi->text().contains(decimal(34.4, 1)));
    CHECK(form.checkup().weightG == 99300);
    CHECK(form.checkup().heightMm == 1700);

    // Out of range: a message next to the field, Save disabled, no BMI from an implausible weight.
    type(weight, QStringLiteral("400"));
    auto* weightMessage = child<QLabel>(&form, "weightMessage");
    CHECK(weightMessage->isVisible());
    CHECK(weightMessage->text().contains(QStringLiteral("350")));
    CHECK_FALSE(save->isEnabled());
    CHECK_FALSE(bmi->text().contains(QStringLiteral("kg/m")));
    type(weight, QStringLiteral("abc"));
    CHECK(weightMessage->isVisible());
    CHECK_FALSE(save->isEnabled());
    type(weight, decimal(99.3, 1));
    CHECK_FALSE(weightMessage->isVisible());
    CHECK(save->isEnabled());

    // Blood pressure: both values, systolic above diastolic.
    type(systolic, QStringLiteral("120"));
    CHECK(child<QLabel>(&form, "diastolicMessage")->isVisible());
    CHECK_FALSE(save->isEnabled());
    type(diastolic, QStringLiteral("130"));
    CHECK(child<QLabel>(&form, "systolicMessage")->isVisible());
    type(diastolic, QStringLiteral("80"));
    CHECK_FALSE(child<QLabel>(&form, "systolicMessage")->isVisible());
    CHECK_FALSE(child<QLabel>(&form, "diastolicMessage")->isVisible());
    type(glucose, QStringLiteral("9"));
    CHECK(child<QLabel>(&form, "glucoseMessage")->isVisible());
    CHECK_FALSE(form.save());
    CHECK(f.temp.rawValue(QStringLiteral("SELECT COUNT(*) FROM checkup")).toInt() == 0);
    test::screenshotIfAsked(&form, QStringLiteral("health-checkup-form"));
    type(glucose, decimal(1.05, 2));
    REQUIRE(save->isEnabled());

    // Saved through the core: the values in the core's units.
    REQUIRE(form.save());
    CHECK(error->isHidden());
    const Checkup& saved = form.saved();
    CHECK(saved.id > 0);
    CHECK(saved.wave == QStringLiteral("M6"));
    CHECK(saved.weightG == 99300);
    CHECK(saved.heightMm == 1700);
    CHECK(saved.systolicMmHg == 120);
    CHECK(saved.diastolicMmHg == 80);
    CHECK(saved.glucoseMgDl == 105);
    CHECK(saved.nurseUserId == f.nurse.user.id);
    CHECK(test::hasAuditRecord(*f.db, f.nurse.login(), QStringLiteral("create"), QStringLiteral("checkup"),
                               QStringLiteral("ok")));

    // The same wave again: the core's refusal is shown, the form stays open.
    CHECK_FALSE(form.save());
    CHECK_FALSE(error->isHidden());
    CHECK(error->text().contains(QStringLiteral("M6")));
}

TEST_CASE("ui: a checkup form for a person without consent shows the core's refusal", "[ui][health][forms]")
{
    FormFixture f;
    ui::CheckupForm form(*f.db, f.nurse, QStringLiteral("P-B"), QStringLiteral("Bruno Martin"));
    form.show();
    type(child<QLineEdit>(&form, "weightEdit"), QStringLiteral("80"));
    REQUIRE(child<QPushButton>(&form, "saveButton")->isEnabled());
    child<QPushButton>(&form, "saveButton")->click();
    CHECK(form.isVisible()); // not accepted
    CHECK(form.result() != QDialog::Accepted);
    auto* error = child<QLabel>(&form, "formErrorLabel");
    CHECK_FALSE(error->isHidden());
    CHECK(error->text().contains(QStringLiteral("P-B")));
    CHECK(f.temp.rawValue(QStringLiteral("SELECT COUNT(*) FROM checkup")).toInt() == 0);

    // A social worker reaching the form is refused by the core, and the refusal is audited.
    ui::CheckupForm refused(*f.db, f.socialWorker, QStringLiteral("P-A"), QString());
    CHECK_FALSE(refused.save());
    CHECK(child<QLabel>(&refused, "formErrorLabel")->text() ==
          AccessPolicy::refusal(Role::SocialWorker, DataKind::Health, Action::Write));
    CHECK(test::hasAuditRecord(*f.db, f.socialWorker.login(), QString(), QStringLiteral("checkup"),
                               QStringLiteral("denied")));
}

TEST_CASE("ui: the questionnaire form checks the answers and saves them", "[ui][health][forms]")
{
    FormFixture f;
    ui::QuestionnaireForm form(*f.db, f.nurse, QStringLiteral("P-A"), QStringLiteral("Anne Martin"));
    form.show();
    auto* wave = child<QComboBox>(&form, "questionnaireWave");
    auto* discovered = child<QComboBox>(&form, "discoveredCombo");
    auto* portions = child<QLineEdit>(&form, "portionsEdit");
    auto* save = child<QPushButton>(&form, "saveButton");
    REQUIRE(wave->currentText() == QStringLiteral("M0"));

    // "Discovered a sustainable shop" is asked from M6 on.
    discovered->setCurrentIndex(discovered->findData(QStringLiteral("yes")));
    CHECK(child<QLabel>(&form, "discoveredMessage")->isVisible());
    CHECK_FALSE(save->isEnabled());
    discovered->setCurrentIndex(0);
    CHECK(save->isEnabled());
    type(portions, QStringLiteral("45"));
    CHECK(child<QLabel>(&form, "portionsMessage")->isVisible());
    CHECK_FALSE(save->isEnabled());
    type(portions, decimal(2.5, 1));
    CHECK(save->isEnabled());
    auto* organic = child<QComboBox>(&form, "organicFvCombo");
    organic->setCurrentIndex(organic->findData(static_cast<int>(Frequency::Sometimes)));
    REQUIRE(form.save());
    CHECK(form.saved().fvPortionsX10 == 25);
    CHECK(form.saved().organicFv == Frequency::Sometimes);
    CHECK_FALSE(form.saved().localProducts.has_value());
    const auto read = HealthService(*f.db, f.nurse).questionnaires(QStringLiteral("P-A"));
    REQUIRE(read.questionnaires.size() == 1);
    CHECK(read.questionnaires[0].wave == QStringLiteral("M0"));
}

TEST_CASE("ui: prevention step and support session forms", "[ui][health][forms]")
{
    FormFixture f;
    {
        ui::PreventionStepForm form(*f.db, f.nurse, QStringLiteral("P-A"), QStringLiteral("Anne Martin"));
        form.show();
        child<QDateEdit>(&form, "preventionDate")->setDate(QDate(2024, 11, 5));
        auto* type = child<QComboBox>(&form, "preventionTypeCombo");
        type->setCurrentIndex(type->findData(static_cast<int>(PreventionType::Dental)));
        auto* partner = child<QComboBox>(&form, "partnerCombo");
        CHECK(partner->findText(QStringLiteral("CPAM")) >= 0);
        partner->setCurrentText(QStringLiteral("MSA"));
        child<QLineEdit>(&form, "outcomeEdit")->setText(QStringLiteral("RDV pris"));
        child<QCheckBox>(&form, "hasNextDueCheck")->setChecked(true);
        auto* next = child<QDateEdit>(&form, "nextDueDate");
        CHECK(next->isEnabled());
        next->setDate(QDate(2024, 11, 1)); // before the step
        CHECK(child<QLabel>(&form, "nextDueMessage")->isVisible());
        CHECK_FALSE(child<QPushButton>(&form, "saveButton")->isEnabled());
        next->setDate(QDate(2025, 5, 5));
        REQUIRE(form.save());
        const auto steps = HealthService(*f.db, f.nurse).preventionSteps(QStringLiteral("P-A")).steps;
        REQUIRE(steps.size() == 1);
        CHECK(steps[0].type == PreventionType::Dental);
        CHECK(steps[0].partner == QStringLiteral("MSA"));
        CHECK(steps[0].nextDueOn == QDate(2025, 5, 5));
    }
    {
        ui::SupportSessionForm form(*f.db, f.nurse, QStringLiteral("P-B"), QStringLiteral("Bruno Martin"),
                                    QStringLiteral("MMG-0001"));
        form.show();
        auto* topic = child<QLineEdit>(&form, "topicEdit");
        CHECK_FALSE(child<QPushButton>(&form, "saveButton")->isEnabled()); // a topic is required
        topic->setText(QStringLiteral("Budget alimentaire"));
        // Bruno has no consent: refused for him.
        CHECK_FALSE(form.save());
        CHECK_FALSE(child<QLabel>(&form, "formErrorLabel")->isHidden());
        // With the household (Anne consented): accepted.
        auto* with = child<QComboBox>(&form, "supportWithCombo");
        with->setCurrentIndex(with->findData(true));
        REQUIRE(form.save());
        CHECK(form.saved().personId == 0);
        CHECK(form.saved().householdId > 0);
    }
}
