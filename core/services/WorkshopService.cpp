#include "services/WorkshopService.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/AuditTrail.h"
#include "store/HouseholdRepository.h"

#include <QLocale>
#include <QSet>

namespace cabas {

namespace {
const QString kWorkshopTable = QStringLiteral("workshop");
const QString kRegistrationTable = QStringLiteral("workshop_registration");
} // namespace

void WorkshopService::requireRead() const
{
    AuditTrail(m_db).require(m_session, DataKind::Workshops, Action::Read, kWorkshopTable);
}

qint64 WorkshopService::personId(const QString& personCode) const
{
    const auto person = store::PersonRepository(m_db, m_session.keys.get()).findByCode(personCode.trimmed());
    if (!person)
        throw Error(tr("There is no person %1.").arg(personCode), Error::Kind::NotFound);
    return person->id;
}

std::vector<WorkshopSummary> WorkshopService::list(const QDate& from, const QDate& to) const
{
    requireRead();
    if (from.isValid() && to.isValid() && to < from)
        throw Error(tr("The end of the period (%1) is before its start (%2).")
                        .arg(to.toString(Qt::ISODate), from.toString(Qt::ISODate)),
                    Error::Kind::Invalid);
    return store::WorkshopRepository(m_db, m_session.keys.get()).list(from, to);
}

std::vector<WorkshopSummary> WorkshopService::month(int year, int month) const
{
    const QDate first(year, month, 1);
    if (!first.isValid())
        throw Error(tr("%1-%2 is not a month.").arg(year).arg(month), Error::Kind::Invalid);
    return list(first, first.addMonths(1).addDays(-1));
}

WorkshopSummary WorkshopService::summary(qint64 workshopId) const
{
    requireRead();
    return store::WorkshopRepository(m_db, m_session.keys.get()).summary(workshopId);
}

void WorkshopService::create(Workshop& workshop) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Workshops, Action::Write, kWorkshopTable, workshop.key());
    store::Database::Transaction tx(m_db);
    store::WorkshopRepository(m_db, m_session.keys.get()).insert(workshop);
    audit.record(m_session, QStringLiteral("create"), kWorkshopTable, QString::number(workshop.id),
                 workshop.key());
    tx.commit();
}

void WorkshopService::update(Workshop& workshop) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Workshops, Action::Write, kWorkshopTable,
                  QString::number(workshop.id));
    writableWorkshop(workshop.id);
    store::Database::Transaction tx(m_db);
    store::WorkshopRepository(m_db, m_session.keys.get()).update(workshop);
    // More places: the waiting list moves up.
    const auto promoted = promote(workshop);
    audit.record(m_session, QStringLiteral("update"), kWorkshopTable, QString::number(workshop.id),
                 workshop.key());
    for (qint64 id : promoted)
        audit.record(m_session, QStringLiteral("promote"), kRegistrationTable,
                     store::PersonRepository(m_db, m_session.keys.get()).findById(id)->code, workshop.key());
    tx.commit();
}

void WorkshopService::cancel(qint64 workshopId) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Workshops, Action::Write, kWorkshopTable, QString::number(workshopId));
    const Workshop w = writableWorkshop(workshopId);
    store::Database::Transaction tx(m_db);
    store::WorkshopRepository(m_db, m_session.keys.get()).setCancelled(workshopId, Clock::instance().today());
    audit.record(m_session, QStringLiteral("cancel"), kWorkshopTable, QString::number(workshopId), w.key());
    tx.commit();
}

Workshop WorkshopService::writableWorkshop(qint64 workshopId) const
{
    const auto w = store::WorkshopRepository(m_db, m_session.keys.get()).findById(workshopId);
    if (!w)
        throw Error(tr("There is no workshop %1.").arg(workshopId), Error::Kind::NotFound);
    if (w->isCancelled())
        throw Error(tr("The workshop \"%1\" was cancelled on %2: it cannot be changed.")
                        .arg(w->title, QLocale().toString(w->cancelledOn, QLocale::ShortFormat)),
                    Error::Kind::Invalid);
    return *w;
}

std::vector<RegistrationRow> WorkshopService::registrations(qint64 workshopId) const
{
    requireRead();
    return store::WorkshopRepository(m_db, m_session.keys.get()).registrations(workshopId);
}

std::vector<qint64> WorkshopService::promote(const Workshop& workshop) const
{
    store::WorkshopRepository repository(m_db, m_session.keys.get());
    std::vector<qint64> promoted;
    const auto waiting = repository.waitingList(workshop.id);
    if (waiting.empty())
        return promoted;
    int free = workshop.hasLimit() ? workshop.capacity - repository.countRegistered(workshop.id)
                                   : int(waiting.size());
    for (Registration r : waiting) {
        if (free <= 0)
            break;
        r.status = RegistrationStatus::Registered;
        repository.updateRegistration(r, m_session.user.id);
        promoted.push_back(r.personId);
        --free;
    }
    return promoted;
}

RegistrationStatus WorkshopService::registerPerson(qint64 workshopId, const QString& personCode) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Workshops, Action::Write, kRegistrationTable, personCode);
    const Workshop w = writableWorkshop(workshopId);
    const qint64 id = personId(personCode);
    store::WorkshopRepository repository(m_db, m_session.keys.get());
    store::Database::Transaction tx(m_db);
    auto existing = repository.findRegistration(workshopId, id);
    if (existing && existing->status == RegistrationStatus::Registered)
        throw Error(tr("%1 is already registered for this workshop.").arg(personCode), Error::Kind::Conflict);
    if (existing && existing->status == RegistrationStatus::Waiting)
        throw Error(tr("%1 is already on the waiting list of this workshop.").arg(personCode),
                    Error::Kind::Conflict);
    const bool full = w.hasLimit() && repository.countRegistered(workshopId) >= w.capacity;
    Registration r = existing ? *existing : Registration{};
    r.workshopId = workshopId;
    r.personId = id;
    r.status = full ? RegistrationStatus::Waiting : RegistrationStatus::Registered;
    r.queuedAt = Clock::instance().nowUtc();
    r.cancelledAt = QDateTime();
    r.attended.reset();
    if (existing)
        repository.updateRegistration(r, m_session.user.id);
    else
        repository.insertRegistration(r, m_session.user.id);
    audit.record(m_session, full ? QStringLiteral("wait") : QStringLiteral("register"), kRegistrationTable,
                 personCode, w.key());
    tx.commit();
    return r.status;
}

QString WorkshopService::cancelRegistration(qint64 workshopId, const QString& personCode) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Workshops, Action::Write, kRegistrationTable, personCode);
    const Workshop w = writableWorkshop(workshopId);
    const qint64 id = personId(personCode);
    store::WorkshopRepository repository(m_db, m_session.keys.get());
    store::Database::Transaction tx(m_db);
    auto r = repository.findRegistration(workshopId, id);
    if (!r || r->status == RegistrationStatus::Cancelled)
        throw Error(tr("%1 is not registered for this workshop.").arg(personCode), Error::Kind::NotFound);
    if (r->attended)
        throw Error(tr("%1's attendance is already recorded: the registration cannot be cancelled any more.")
                        .arg(personCode),
                    Error::Kind::Invalid);
    r->status = RegistrationStatus::Cancelled;
    r->cancelledAt = Clock::instance().nowUtc();
    repository.updateRegistration(*r, m_session.user.id);
    audit.record(m_session, QStringLiteral("cancel"), kRegistrationTable, personCode, w.key());
    QString promotedCode;
    for (qint64 p : promote(w)) {
        promotedCode = store::PersonRepository(m_db, m_session.keys.get()).findById(p)->code;
        audit.record(m_session, QStringLiteral("promote"), kRegistrationTable, promotedCode, w.key());
    }
    tx.commit();
    return promotedCode;
}

void WorkshopService::recordAttendance(qint64 workshopId, const QList<QPair<QString, bool>>& ticks) const
{
    const AuditTrail audit(m_db);
    audit.require(m_session, DataKind::Workshops, Action::Write, kRegistrationTable,
                  QStringLiteral("attendance"));
    const Workshop w = writableWorkshop(workshopId);
    if (w.heldOn > Clock::instance().today())
        throw Error(tr("The workshop \"%1\" is on %2: attendance is recorded on the day or after.")
                        .arg(w.title, QLocale().toString(w.heldOn, QLocale::ShortFormat)),
                    Error::Kind::Invalid);
    store::WorkshopRepository repository(m_db, m_session.keys.get());
    std::vector<std::pair<QString, Registration>> planned;
    QStringList problems;
    QSet<QString> seen;
    for (const auto& [code, present] : ticks) {
        if (seen.contains(code)) {
            problems << tr("%1: ticked twice").arg(code);
            continue;
        }
        seen.insert(code);
        const auto person = store::PersonRepository(m_db, m_session.keys.get()).findByCode(code);
        if (!person) {
            problems << tr("There is no person %1.").arg(code);
            continue;
        }
        auto r = repository.findRegistration(workshopId, person->id);
        if (!r || r->status != RegistrationStatus::Registered) {
            problems
                << tr("%1 has no place at this workshop (not registered, waiting or cancelled).").arg(code);
            continue;
        }
        if (r->attended == present)
            continue;
        r->attended = present;
        planned.emplace_back(code, *r);
    }
    if (!problems.isEmpty())
        throw Error(tr("Nothing was recorded:") + QLatin1Char('\n') + problems.join(QLatin1Char('\n')),
                    Error::Kind::Invalid);
    store::Database::Transaction tx(m_db);
    for (const auto& [code, r] : planned) {
        repository.updateRegistration(r, m_session.user.id);
        audit.record(m_session, QStringLiteral("attendance"), kRegistrationTable, code,
                     QStringLiteral("%1: %2").arg(w.key(), *r.attended ? QStringLiteral("present")
                                                                       : QStringLiteral("absent")));
    }
    tx.commit();
}

std::vector<WorkshopHistoryRow> WorkshopService::personHistory(const QString& personCode) const
{
    requireRead();
    return store::WorkshopRepository(m_db, m_session.keys.get()).historyForPerson(personId(personCode));
}

std::vector<WorkshopHistoryRow> WorkshopService::householdHistory(qint64 householdId) const
{
    requireRead();
    return store::WorkshopRepository(m_db, m_session.keys.get()).historyForHousehold(householdId);
}

std::vector<store::PersonMatch> WorkshopService::searchPersons(const QString& text, int limit) const
{
    requireRead();
    AuditTrail(m_db).require(m_session, DataKind::Households, Action::Read, QStringLiteral("person"));
    return store::WorkshopRepository(m_db, m_session.keys.get()).searchPersons(text, limit);
}

} // namespace cabas
