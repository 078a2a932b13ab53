#include "demo/DemoWorkshops.h"

#include "common/Clock.h"
#include "domain/Workshop.h"
#include "security/AuditTrail.h"
#include "store/HouseholdRepository.h"
#include "store/WorkshopRepository.h"

#include <algorithm>
#include <array>

namespace cabas {

namespace {

// splitmix64, like the rest of the demo: the same numbers on every platform.
class Random
{
  public:
    explicit Random(quint64 seed) : m_state(seed ^ 0x5eedf00d1234abcdULL) {}
    quint64 next()
    {
        quint64 z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    int below(int n) { return int(next() % quint64(n)); }
    int between(int lo, int hi) { return lo + below(hi - lo + 1); }
    bool chance(int percent) { return below(100) < percent; }

  private:
    quint64 m_state;
};

struct Template
{
    WorkshopType type;
    const char* title;
    const char* place;
    const char* partner;
    int startHour;
    int durationHours;
    int capacity;
};

constexpr std::array<Template, 10> kTemplates = {{
    {WorkshopType::FarmVisit, "Visite de la ferme et cueillette", "Ferme du Bousquet, Lectoure",
     "GAEC du Bousquet", 14, 3, 15},
    {WorkshopType::Cooking, "Cuisiner les légumes de saison", "Centre social, Auch", "", 10, 3, 10},
    {WorkshopType::MarketVisit, "Marché d'Auch : choisir et cuisiner", "Marché d'Auch",
     "Producteurs du marché", 9, 3, 12},
    {WorkshopType::CheeseMaking, "Fromage de chèvre à la ferme", "Chèvrerie de Larroque, Fleurance",
     "Chèvrerie de Larroque", 14, 2, 8},
    {WorkshopType::BreadMaking, "Pain au levain", "Fournil Bio, Condom", "Fournil Bio", 9, 3, 8},
    {WorkshopType::Cooking, "Repas complet pour moins de 2 euros", "Maison des associations, Mirande", "", 10,
     3, 10},
    {WorkshopType::FarmVisit, "Verger et jus de pomme", "Vergers de Gascogne, Eauze", "Vergers de Gascogne",
     14, 2, 15},
    {WorkshopType::MarketVisit, "Marché de Fleurance : les producteurs locaux", "Halle de Fleurance",
     "Producteurs du marché", 9, 2, 12},
    {WorkshopType::Other, "Jardin partagé : semis de printemps", "Jardin partagé, Auch", "", 14, 2, 12},
    {WorkshopType::Cooking, "Goûters maison avec les enfants", "Centre social, Condom", "", 14, 2, 12},
}};

} // namespace

DemoWorkshopsResult DemoWorkshops::generate(const store::Database& db, const Session& session, quint64 seed,
                                            const QDate& programmeStart, const QDate& today)
{
    DemoWorkshopsResult result;
    // The persons to invite: the members of the first households (enough for workshops of a dozen people).
    std::vector<qint64> persons;
    store::PersonRepository personRepository(db, session.keys.get());
    for (const Household& h : store::HouseholdRepository(db, session.keys.get()).list(300))
        for (const Person& p : personRepository.forHousehold(h.id))
            persons.push_back(p.id);
    if (persons.empty())
        return result;

    Random rnd(seed);
    store::WorkshopRepository workshops(db, session.keys.get());
    const QDateTime now = Clock::instance().nowUtc();
    const QDate last = today.addMonths(2);
    int index = 0;
    for (QDate month(programmeStart.year(), programmeStart.month(), 1); month <= last;
         month = month.addMonths(1)) {
        for (int k = 0; k < 3; ++k, ++index) {
            const Template& t = kTemplates[std::size_t(rnd.below(int(kTemplates.size())))];
            Workshop w;
            w.type = t.type;
            w.title = QString::fromUtf8(t.title);
            w.heldOn = month.addDays(std::min(month.daysInMonth() - 1, 3 + k * 9 + rnd.below(6)));
            if (w.heldOn < programmeStart || w.heldOn > last ||
                workshops.findByKey(w.heldOn, w.type, w.title))
                continue;
            w.startTime = QTime(t.startHour, 0);
            w.endTime = QTime(t.startHour + t.durationHours, 0);
            w.place = QString::fromUtf8(t.place);
            w.partner = QString::fromUtf8(t.partner);
            w.capacity = t.capacity;
            workshops.insert(w);
            ++result.workshops;
            if (rnd.chance(4) && w.heldOn > today) {
                workshops.setCancelled(w.id, today);
                continue;
            }
            const bool held = w.heldOn <= today;
            // A full workshop now and then, with people waiting.
            const int wanted = std::min(int(persons.size()), w.capacity - 3 + rnd.below(6));
            std::vector<qint64> chosen;
            while (int(chosen.size()) < wanted) {
                const qint64 id = persons[std::size_t(rnd.below(int(persons.size())))];
                if (std::find(chosen.begin(), chosen.end(), id) == chosen.end())
                    chosen.push_back(id);
            }
            int registered = 0;
            for (std::size_t i = 0; i < chosen.size(); ++i) {
                Registration r;
                r.workshopId = w.id;
                r.personId = chosen[i];
                r.queuedAt = QDateTime(w.heldOn.addDays(-20 + int(i) / 2), QTime(9, 0), Qt::UTC);
                r.queuedAt = std::min(r.queuedAt, now);
                r.status =
                    registered < w.capacity ? RegistrationStatus::Registered : RegistrationStatus::Waiting;
                if (r.status == RegistrationStatus::Registered && rnd.chance(6)) {
                    r.status = RegistrationStatus::Cancelled;
                    r.cancelledAt = std::min(r.queuedAt.addDays(5), now);
                }
                if (r.status == RegistrationStatus::Registered) {
                    ++registered;
                    if (held)
                        r.attended = rnd.chance(82);
                }
                workshops.insertRegistration(r, session.user.id);
                ++result.registrations;
            }
        }
    }
    const AuditTrail audit(db);
    audit.record(session, QStringLiteral("create"), QStringLiteral("workshop"),
                 QStringLiteral("batch:%1").arg(result.workshops), QStringLiteral("demo, seed %1").arg(seed));
    audit.record(session, QStringLiteral("create"), QStringLiteral("workshop_registration"),
                 QStringLiteral("batch:%1").arg(result.registrations),
                 QStringLiteral("demo, seed %1").arg(seed));
    return result;
}

} // namespace cabas
