#include "demo/DemoGenerator.h"
#include "demo/DemoContributions.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "demo/DemoProgramme.h"
#include "demo/DemoWorkshops.h"
#include "security/AuditTrail.h"
#include "security/KeyRing.h"
#include "security/Passwords.h"
#include "store/HouseholdRepository.h"
#include "store/KeySlotRepository.h"
#include "store/ProgrammeRepository.h"
#include "store/UserRepository.h"

#include <array>

namespace cabas {

const char* const DemoGenerator::kDemoStaffPassword = "Demo-Cabas-2026";

namespace {

// splitmix64: small, fast and the same on every platform and compiler (std:: distributions are not).
class Random
{
  public:
    explicit Random(quint64 seed) : m_state(seed) {}
    quint64 next()
    {
        quint64 z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    int below(int n) { return int(next() % quint64(n)); }
    int between(int lo, int hi) { return lo + below(hi - lo + 1); }
    bool chance(int percent) { return below(100) < percent; }
    template <typename T, std::size_t N> const T& pick(const std::array<T, N>& items)
    {
        return items[std::size_t(below(int(N)))];
    }

  private:
    quint64 m_state;
};

struct Commune
{
    const char* name;
    const char* postcode;
    int weight;
};

constexpr std::array<Commune, 20> kCommunes{{
    {"Auch", "32000", 22},           {"Condom", "32100", 8},       {"Fleurance", "32500", 7},
    {"L'Isle-Jourdain", "32600", 7}, {"Lectoure", "32700", 5},     {"Mirande", "32300", 5},
    {"Eauze", "32800", 5},           {"Nogaro", "32110", 4},       {"Samatan", "32130", 3},
    {"Gimont", "32200", 4},          {"Vic-Fezensac", "32190", 4}, {"Masseube", "32140", 2},
    {"Riscle", "32400", 3},          {"Marciac", "32230", 2},      {"Lombez", "32220", 3},
    {"Mauvezin", "32120", 3},        {"Saint-Clar", "32380", 2},   {"Plaisance", "32160", 2},
    {"Aignan", "32290", 2},          {"Seissan", "32260", 2},
}};

constexpr std::array<const char*, 40> kFemaleNames{
    "Marie",    "Nathalie", "Isabelle", "Sylvie",    "Catherine", "Christine", "Sandrine", "Céline",
    "Aurélie",  "Émilie",   "Julie",    "Camille",   "Léa",       "Manon",     "Chloé",    "Inès",
    "Jade",     "Louise",   "Zoé",      "Lina",      "Fatima",    "Aïcha",     "Mélanie",  "Hélène",
    "Brigitte", "Claudine", "Josiane",  "Françoise", "Noémie",    "Océane",    "Maëlys",   "Anaïs",
    "Yasmine",  "Sofia",    "Élodie",   "Laëtitia",  "Agnès",     "Mireille",  "Thérèse",  "Gaëlle"};
constexpr std::array<const char*, 40> kMaleNames{
    "Jean",     "Pierre",    "Michel",  "Philippe", "Alain",   "Patrick", "Nicolas",  "Christophe",
    "Stéphane", "Sébastien", "Julien",  "Thomas",   "Lucas",   "Hugo",    "Théo",     "Nathan",
    "Louis",    "Gabriel",   "Raphaël", "Arthur",   "Mohamed", "Karim",   "Yanis",    "Rayan",
    "Jérôme",   "Frédéric",  "Cédric",  "Grégory",  "Benoît",  "Mathéo",  "Noé",      "Timéo",
    "Bernard",  "Gérard",    "René",    "Joël",     "Adrien",  "Maël",    "Jean-Luc", "Loïc"};
constexpr std::array<const char*, 48> kLastNames{
    "Martin",   "Bernard",  "Dubois",  "Lefèvre",   "Château",      "Moreau",  "Laurent",  "Simon",
    "Michel",   "Garcia",   "Roux",    "Fournier",  "Girard",       "Bonnet",  "Dupont",   "Lambert",
    "Fontaine", "Rousseau", "Vincent", "Müller",    "Faure",        "André",   "Mercier",  "Blanc",
    "Guérin",   "Boyer",    "Garnier", "Chevalier", "François",     "Legrand", "Gauthier", "Perrin",
    "Dupuy",    "Lacoste",  "Barrère", "Soulé",     "Daguzan",      "Lamothe", "Nguyễn",   "Benali",
    "Haddad",   "Da Silva", "Pérez",   "Caussade",  "Saint-Martin", "Abadie",  "Labat",    "Cazaux"};
constexpr std::array<const char*, 16> kStreets{
    "rue de la République", "avenue des Pyrénées",   "rue Gambetta",        "place de la Libération",
    "chemin des Vignes",    "rue du Moulin",         "allée des Tilleuls",  "route de Toulouse",
    "rue Victor-Hugo",      "impasse des Lilas",     "rue Jean-Jaurès",     "lotissement Le Bosquet",
    "rue d'Etigny",         "chemin de la Gravette", "rue du Docteur-Roux", "avenue d'Alsace"};
constexpr std::array<const char*, 4> kExitReasons{"Déménagement hors du département",
                                                  "Fin de la période de droits", "Souhait du foyer",
                                                  "Sans nouvelles depuis trois mois"};

struct StaffMember
{
    const char* login;
    const char* name;
    Role role;
};
constexpr std::array<StaffMember, 4> kStaff{{
    {"amelie.roux", "Amélie Roux", Role::SocialWorker},
    {"karim.benali", "Karim Benali", Role::SocialWorker},
    {"claire.dupuis", "Claire Dupuis", Role::Nurse},
    {"julien.marty", "Julien Marty", Role::Coordinator},
}};

const Commune& pickCommune(Random& rnd)
{
    static const int total = [] {
        int t = 0;
        for (const Commune& c : kCommunes)
            t += c.weight;
        return t;
    }();
    int r = rnd.below(total);
    for (const Commune& c : kCommunes) {
        if (r < c.weight)
            return c;
        r -= c.weight;
    }
    return kCommunes[0];
}

QDate randomDate(Random& rnd, const QDate& from, const QDate& to)
{
    return from.addDays(rnd.below(int(from.daysTo(to)) + 1));
}

} // namespace

DemoResult DemoGenerator::generate(const store::Database& db, const Session& session,
                                   const DemoOptions& options)
{
    const AuditTrail audit(db);
    audit.require(session, DataKind::Administration, Action::Write, QStringLiteral("household"),
                  QStringLiteral("demo"));
    if (options.households < 1 || options.households > kMaxHouseholds)
        throw Error(tr("The demo can have from 1 to %1 households, not %2.")
                        .arg(kMaxHouseholds)
                        .arg(options.households),
                    Error::Kind::Invalid);
    store::HouseholdRepository households(db, session.keys.get());
    if (households.count() > 0)
        throw Error(tr("This database already has households: the demo only fills a new, empty database "
                       "(cabas-cli init, then cabas-cli demo)."),
                    Error::Kind::Conflict);
    const auto programme = store::ProgrammeRepository(db).load();
    if (!programme)
        throw Error(tr("This database has no programme; create it with cabas-cli init."),
                    Error::Kind::Invalid);

    Random rnd(options.seed);
    DemoResult result;
    const QDate start = programme->startsOn;
    const QDateTime recordedAt = Clock::instance().nowUtc();
    // Nothing happens in the future: enrolments, exits, births and re-issued cards are clamped to today
    // (a programme that starts later gets its households enrolled on its first day).
    const QDate today = std::max(Clock::instance().today(), start);
    const QDate lastEnrolment = std::min(start.addDays(180), today);
    auto notAfterToday = [&](const QDate& d) { return std::min(d, today); };

    // Staff accounts first: hashing is slow, do it before taking the write lock.
    store::UserRepository users(db);
    std::vector<std::pair<User, QString>> staff;
    for (const StaffMember& s : kStaff) {
        if (users.findByLogin(QString::fromUtf8(s.login)))
            continue;
        User u;
        u.login = QString::fromUtf8(s.login);
        u.displayName = QString::fromUtf8(s.name);
        u.role = s.role;
        u.createdAt = recordedAt;
        staff.emplace_back(u, security::Passwords::hash(QString::fromLatin1(kDemoStaffPassword)));
    }

    // On a database with a key ring each staff account gets its key slot (the administrator's root key
    // certifies it; nurses' health grants wait for the first nurse's login).
    store::KeySlotRepository keySlots(db);
    const bool keyed = !staff.empty() && keySlots.header().has_value();
    if (keyed && !(session.keys && session.keys->canCertify()))
        throw Error(tr("The demo's staff accounts need the key ring of an administrator's session: log in "
                       "again as an administrator."),
                    Error::Kind::AccessDenied);

    store::Database::Transaction tx(db);
    std::vector<qint64> referents;
    for (auto& [user, hash] : staff) {
        users.add(user, hash);
        if (keyed)
            session.keys->resetPassword(keySlots, user, QString::fromLatin1(kDemoStaffPassword), recordedAt);
        ++result.staff;
    }
    for (const User& u : users.list())
        if (u.role == Role::SocialWorker)
            referents.push_back(u.id);

    store::PersonRepository persons(db, session.keys.get());
    store::CardRepository cards(db, session.keys.get());
    store::ConsentRepository consents(db, session.keys.get());

    const QString prefix = programme->householdCodePrefix;
    const int codeWidth = options.households > 9999 ? 6 : 4;
    int personNumber = 0;
    int cardNumber = 0;
    constexpr int kChunk = 2000;

    for (int first = 0; first < options.households; first += kChunk) {
        if (options.cancel && options.cancel->load())
            throw Error(tr("Demo generation cancelled; nothing was written."), Error::Kind::Invalid);
        const int last = std::min(options.households, first + kChunk);

        struct Plan
        {
            std::vector<Person> members;
            bool lostCard = false;
        };
        std::vector<Household> hs;
        std::vector<Plan> plans;
        hs.reserve(std::size_t(last - first));
        for (int i = first; i < last; ++i) {
            Household h;
            h.code = QStringLiteral("%1-%2").arg(prefix).arg(i + 1, codeWidth, 10, QLatin1Char('0'));
            const Commune& commune = pickCommune(rnd);
            h.commune = QString::fromUtf8(commune.name);
            h.postcode = QString::fromLatin1(commune.postcode);
            h.address =
                QStringLiteral("%1 %2").arg(rnd.between(1, 120)).arg(QString::fromUtf8(rnd.pick(kStreets)));
            h.referentUserId =
                referents.empty() ? 0 : referents[std::size_t(rnd.below(int(referents.size())))];
            const int s = rnd.below(100);
            h.status = s < 82   ? HouseholdStatus::Enrolled
                       : s < 88 ? HouseholdStatus::Suspended
                       : s < 95 ? HouseholdStatus::Exited
                                : HouseholdStatus::Candidate;
            if (h.status != HouseholdStatus::Candidate)
                h.enrolledOn = randomDate(rnd, start, lastEnrolment);
            if (h.status == HouseholdStatus::Exited) {
                h.exitedOn = notAfterToday(h.enrolledOn.addDays(rnd.between(90, 400)));
                h.exitReason = QString::fromUtf8(rnd.pick(kExitReasons));
                if (h.exitedOn <= h.enrolledOn) {
                    h.status = HouseholdStatus::Enrolled;
                    h.exitedOn = QDate();
                    h.exitReason.clear();
                }
            }

            Plan plan;
            const QString lastName = QString::fromUtf8(rnd.pick(kLastNames));
            auto addPerson = [&](PersonRole role, int minYear, int maxYear, const QString& family) {
                Person p;
                p.code = QStringLiteral("P-%1").arg(++personNumber, 5, 10, QLatin1Char('0'));
                const bool female = rnd.chance(55);
                p.sex = rnd.chance(3) ? Sex::Unknown : (female ? Sex::Female : Sex::Male);
                p.firstName = QString::fromUtf8(female ? rnd.pick(kFemaleNames) : rnd.pick(kMaleNames));
                p.lastName = family;
                p.birthDate = randomDate(rnd, QDate(minYear, 1, 1), QDate(maxYear, 12, 31));
                p.role = role;
                plan.members.push_back(p);
            };
            const int kind = rnd.below(100);
            const int year = start.year();
            if (kind < 30) {
                addPerson(PersonRole::Adult, 1960, 2003, lastName);
            } else if (kind < 40) {
                addPerson(PersonRole::Adult, 1938, 1959, lastName);
            } else if (kind < 65) {
                addPerson(PersonRole::Adult, 1975, 2002, lastName);
                for (int c = rnd.between(1, 3); c > 0; --c)
                    addPerson(PersonRole::Child, year - 17, year - 1, lastName);
            } else if (kind < 95) {
                addPerson(PersonRole::Adult, 1970, 2000, lastName);
                addPerson(PersonRole::Adult, 1970, 2000,
                          rnd.chance(70) ? lastName : QString::fromUtf8(rnd.pick(kLastNames)));
                for (int c = rnd.below(5); c > 0; --c)
                    addPerson(PersonRole::Child, year - 17, year - 1, lastName);
            } else {
                addPerson(PersonRole::Adult, 1950, 1975, lastName);
                addPerson(PersonRole::Adult, 1950, 1975, QString::fromUtf8(rnd.pick(kLastNames)));
                addPerson(PersonRole::Adult, 1985, 2005, lastName);
            }
            // A child born in the programme's first months arrives after the enrolment.
            if (h.enrolledOn.isValid() && rnd.chance(4)) {
                const QDate birth = h.enrolledOn.addDays(rnd.between(10, 200));
                if (birth <= today) {
                    addPerson(PersonRole::Child, year, year, lastName);
                    Person& baby = plan.members.back();
                    baby.birthDate = birth;
                    baby.arrivedOn = birth;
                }
            }
            plan.lostCard = h.status != HouseholdStatus::Candidate && rnd.chance(6);
            hs.push_back(h);
            plans.push_back(std::move(plan));
        }
        households.insertMany(hs);

        std::vector<Person> ps;
        std::vector<Card> firstCards;
        std::vector<std::size_t> firstCardOwner; // index in hs
        for (std::size_t k = 0; k < hs.size(); ++k) {
            for (Person& p : plans[k].members) {
                p.householdId = hs[k].id;
                ps.push_back(p);
            }
            if (hs[k].status == HouseholdStatus::Candidate)
                continue;
            Card c;
            c.token = QStringLiteral("C-%1").arg(++cardNumber, 5, 10, QLatin1Char('0'));
            c.householdId = hs[k].id;
            c.issuedOn = hs[k].enrolledOn;
            c.status = plans[k].lostCard                            ? CardStatus::Lost
                       : hs[k].status == HouseholdStatus::Exited    ? CardStatus::Closed
                       : hs[k].status == HouseholdStatus::Suspended ? CardStatus::Blocked
                                                                    : CardStatus::Active;
            firstCards.push_back(c);
            firstCardOwner.push_back(k);
        }
        persons.insertMany(ps);
        cards.insertMany(firstCards);

        std::vector<Card> reissued;
        for (std::size_t j = 0; j < firstCards.size(); ++j) {
            const std::size_t k = firstCardOwner[j];
            if (!plans[k].lostCard)
                continue;
            Card c;
            c.token = QStringLiteral("C-%1").arg(++cardNumber, 5, 10, QLatin1Char('0'));
            c.householdId = hs[k].id;
            c.issuedOn = notAfterToday(hs[k].enrolledOn.addDays(rnd.between(20, 150)));
            c.replacesCardId = firstCards[j].id;
            c.status = hs[k].status == HouseholdStatus::Exited ? CardStatus::Closed : CardStatus::Active;
            reissued.push_back(c);
        }
        cards.insertMany(reissued);

        std::vector<Consent> cs;
        std::size_t personIndex = 0;
        for (std::size_t k = 0; k < hs.size(); ++k) {
            const Household& h = hs[k];
            const QDate on = h.enrolledOn.isValid() ? h.enrolledOn : randomDate(rnd, start, lastEnrolment);
            const bool health = rnd.chance(75);
            const bool research = health && rnd.chance(70);
            for (std::size_t m = 0; m < plans[k].members.size(); ++m, ++personIndex) {
                const Person& p = ps[personIndex];
                const QDate from = p.arrivedOn.isValid() ? p.arrivedOn : on;
                auto give = [&](ConsentPurpose purpose, bool given, const QDate& day) {
                    Consent c;
                    c.personId = p.id;
                    c.purpose = purpose;
                    c.given = given;
                    c.effectiveOn = day;
                    c.recordedByUserId = h.referentUserId;
                    c.recordedAt = recordedAt;
                    cs.push_back(c);
                };
                give(ConsentPurpose::CaseManagement, true, from);
                if (h.status == HouseholdStatus::Candidate)
                    continue;
                give(ConsentPurpose::LedgerLink, true, from);
                if (health) {
                    give(ConsentPurpose::HealthFollowup, true, from);
                    const QDate withdrawal = from.addDays(rnd.between(60, 300));
                    if (rnd.chance(3) && withdrawal <= today)
                        give(ConsentPurpose::HealthFollowup, false, withdrawal);
                }
                if (research)
                    give(ConsentPurpose::ResearchExport, true, from);
            }
        }
        consents.recordMany(cs);

        result.households += int(hs.size());
        result.persons += int(ps.size());
        result.cards += int(firstCards.size() + reissued.size());
        result.consents += int(cs.size());
        if (options.progress)
            options.progress(result.households, options.households);
    }
    if (options.cancel && options.cancel->load())
        throw Error(tr("Demo generation cancelled; nothing was written."), Error::Kind::Invalid);
    const QString detail = QStringLiteral("demo, seed %1").arg(options.seed);
    audit.record(session, QStringLiteral("create"), QStringLiteral("app_user"),
                 QStringLiteral("batch:%1").arg(result.staff), detail);
    audit.record(session, QStringLiteral("create"), QStringLiteral("household"),
                 QStringLiteral("batch:%1").arg(result.households), detail);
    audit.record(session, QStringLiteral("create"), QStringLiteral("person"),
                 QStringLiteral("batch:%1").arg(result.persons), detail);
    audit.record(session, QStringLiteral("create"), QStringLiteral("card"),
                 QStringLiteral("batch:%1").arg(result.cards), detail);
    audit.record(session, QStringLiteral("create"), QStringLiteral("consent"),
                 QStringLiteral("batch:%1").arg(result.consents), detail);
    result.incomeAssessments =
        DemoProgramme::assessIncomes(db, *programme, options.seed, today, session.keys.get());
    if (result.incomeAssessments > 0)
        audit.record(session, QStringLiteral("create"), QStringLiteral("income_assessment"),
                     QStringLiteral("batch:%1").arg(result.incomeAssessments), detail);
    if (const int contributions =
            DemoContributions::generate(db, *programme, options.seed, today, session.keys.get()))
        audit.record(session, QStringLiteral("create"), QStringLiteral("contribution_payment"),
                     QStringLiteral("batch:%1").arg(contributions), detail);
    result.workshops = DemoWorkshops::generate(db, session, options.seed, start, today).workshops;
    tx.commit();
    return result;
}

} // namespace cabas
