#include "domain/Allowance.h"
#include "domain/Consent.h"
#include "domain/Household.h"
#include "domain/Person.h"
#include "support/TestUtil.h"

#include <catch2/catch.hpp>

using namespace cabas;

namespace {
Person person(PersonRole role, QDate birth, QDate arrived = {}, QDate left = {})
{
    Person p;
    p.code = QStringLiteral("P-1");
    p.firstName = QStringLiteral("A");
    p.lastName = QStringLiteral("B");
    p.role = role;
    p.birthDate = birth;
    p.arrivedOn = arrived;
    p.leftOn = left;
    return p;
}
} // namespace

TEST_CASE("the monthly allowance follows the members on the first day of the month", "[allowance]")
{
    const Programme programme = Programme::defaults(QDate(2024, 6, 1));
    std::vector<Person> members{
        person(PersonRole::Adult, QDate(1980, 4, 13)),
        person(PersonRole::Child, QDate(2013, 7, 6)),
        // Turns 18 on 2 March 2025: still a child on 1 March, an adult on 1 April.
        person(PersonRole::Child, QDate(2007, 3, 2)),
        // Arrives on 15 March: counts from April.
        person(PersonRole::Child, QDate(2025, 3, 15), QDate(2025, 3, 15)),
    };
    const auto march = monthlyAllowance(programme, members, QDate(2025, 3, 20));
    CHECK(march.adults == 1);
    CHECK(march.children == 2);
    CHECK(march.totalCents == 4000 + 2 * 2000);
    const auto april = monthlyAllowance(programme, members, QDate(2025, 4, 1));
    CHECK(april.adults == 2);
    CHECK(april.children == 2);
    CHECK(april.totalCents == 2 * 4000 + 2 * 2000);

    members[0].leftOn = QDate(2025, 4, 10); // left during April: still counted on 1 April, not in May
    CHECK(monthlyAllowance(programme, members, QDate(2025, 4, 1)).adults == 2);
    CHECK(monthlyAllowance(programme, members, QDate(2025, 5, 1)).adults == 1);
}

TEST_CASE("age is computed on birthdays", "[person]")
{
    const Person p = person(PersonRole::Child, QDate(2008, 2, 29));
    CHECK(p.ageOn(QDate(2026, 2, 28)) == 17);
    CHECK(p.ageOn(QDate(2026, 3, 1)) == 18);
}

TEST_CASE("search keys ignore accents, case and punctuation", "[person]")
{
    CHECK(searchKey(QStringLiteral("Lefèvre")) == QStringLiteral("lefevre"));
    CHECK(searchKey(QStringLiteral("  JEAN-Pierre  Nguyễn ")) == QStringLiteral("jean pierre nguyen"));
    CHECK(searchKey(QStringLiteral("Œillet d’Aignan")) == QStringLiteral("oeillet d aignan"));
    // Letters that do not decompose, in either case.
    CHECK(searchKey(QStringLiteral("ÆSA Æsa æsa")) == QStringLiteral("aesa aesa aesa"));
    CHECK(searchKey(QStringLiteral("STRAẞE Straße")) == QStringLiteral("strasse strasse"));
    CHECK(searchKey(QStringLiteral("ĐORĐE Đorđe - ")) == QStringLiteral("dorde dorde"));
    CHECK(searchKey(QStringLiteral("cœur")) == QStringLiteral("coeur"));
}

TEST_CASE("search keys of ASCII text are those of the same text normalised", "[person]")
{
    // ASCII text skips the normalisation: every ASCII character, between letters and spaces, gives the key it
    // gives after a combining accent (which the key drops, and which makes the text go through the
    // normalisation).
    const QChar accent(0x0301);
    for (char16_t u = 0; u < 0x80; ++u) {
        const QString text = QStringLiteral(" Ab") + QChar(u) + QStringLiteral("cD ") + QChar(u) + QChar(u) +
                             QStringLiteral("-x'Y\t") + QChar(u);
        INFO(int(u));
        CHECK(searchKey(text) == searchKey(accent + text));
    }
    CHECK(searchKey(QStringLiteral("P-00012")) == QStringLiteral("p 00012"));
    CHECK(searchKey(QStringLiteral("  MMG--0042 \t")) == QStringLiteral("mmg 0042"));
}

TEST_CASE("households and persons are validated with located messages", "[household]")
{
    Household h;
    h.code = QStringLiteral("MMG 12");
    h.postcode = QStringLiteral("3200");
    h.status = HouseholdStatus::Exited;
    const QString problems = h.validate().join(QLatin1Char('\n'));
    CHECK(problems.contains(QStringLiteral("code:")));
    CHECK(problems.contains(QStringLiteral("postcode:")));
    CHECK(problems.contains(QStringLiteral("enrolled_on:")));
    CHECK(problems.contains(QStringLiteral("exit_reason:")));

    Person p;
    const QString personProblems = p.validate().join(QLatin1Char('\n'));
    CHECK(personProblems.contains(QStringLiteral("person_code:")));
    CHECK(personProblems.contains(QStringLiteral("birth_date:")));

    Household ok;
    ok.code = QStringLiteral("MMG-0001");
    ok.postcode = QStringLiteral("32000");
    ok.status = HouseholdStatus::Enrolled;
    ok.enrolledOn = QDate(2024, 6, 4);
    CHECK(ok.validate().isEmpty());
}

TEST_CASE("codes convert both ways", "[domain]")
{
    for (HouseholdStatus s : {HouseholdStatus::Candidate, HouseholdStatus::Enrolled,
                              HouseholdStatus::Suspended, HouseholdStatus::Exited}) {
        HouseholdStatus back = HouseholdStatus::Candidate;
        REQUIRE(fromCode(toCode(s), &back));
        CHECK(back == s);
        CHECK_FALSE(displayName(s).isEmpty());
    }
    HouseholdStatus unused;
    CHECK_FALSE(fromCode(QStringLiteral("gone"), &unused));
    ConsentPurpose purpose;
    REQUIRE(fromCode(QStringLiteral("research_export"), &purpose));
    CHECK(purpose == ConsentPurpose::ResearchExport);
}
