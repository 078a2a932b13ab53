#include "store/WorkshopRepository.h"

#include "store/NameIndex.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "domain/Person.h"

namespace cabas::store {

namespace {

const QString kWorkshopColumns = QStringLiteral(
    "w.id, w.workshop_type, w.title, w.held_on, w.start_time, w.end_time, w.place, w.partner, w.capacity, "
    "w.notes, w.cancelled_on, w.version");
constexpr int kWorkshopColumnCount = 12;

const QString kRegistrationColumns =
    QStringLiteral("r.id, r.workshop_id, r.person_id, r.status, r.queued_at, r.cancelled_at, r.attended");
constexpr int kRegistrationColumnCount = 7;

QVariant now()
{
    return timestampValue(Clock::instance().nowUtc());
}

QString timeText(const QTime& t)
{
    return t.isValid() ? t.toString(QStringLiteral("HH:mm")) : QStringLiteral("");
}

QVariant optionalBool(const std::optional<bool>& v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::Bool));
}

Workshop readWorkshop(const QSqlQuery& q, int at = 0)
{
    Workshop w;
    w.id = q.value(at).toLongLong();
    fromCode(q.value(at + 1).toString(), &w.type);
    w.title = q.value(at + 2).toString();
    w.heldOn = toDate(q.value(at + 3));
    w.startTime = QTime::fromString(q.value(at + 4).toString(), QStringLiteral("HH:mm"));
    w.endTime = QTime::fromString(q.value(at + 5).toString(), QStringLiteral("HH:mm"));
    w.place = q.value(at + 6).toString();
    w.partner = q.value(at + 7).toString();
    w.capacity = q.value(at + 8).isNull() ? 0 : q.value(at + 8).toInt();
    w.notes = q.value(at + 9).toString();
    w.cancelledOn = toDate(q.value(at + 10));
    w.version = q.value(at + 11).toInt();
    return w;
}

Registration readRegistration(const QSqlQuery& q, int at = 0)
{
    Registration r;
    r.id = q.value(at).toLongLong();
    r.workshopId = q.value(at + 1).toLongLong();
    r.personId = q.value(at + 2).toLongLong();
    fromCode(q.value(at + 3).toString(), &r.status);
    r.queuedAt = toTimestamp(q.value(at + 4));
    r.cancelledAt = q.value(at + 5).isNull() ? QDateTime() : toTimestamp(q.value(at + 5));
    if (!q.value(at + 6).isNull())
        r.attended = q.value(at + 6).toBool();
    return r;
}

void throwIfInvalid(const QStringList& problems)
{
    if (!problems.isEmpty())
        throw Error(problems.join(QLatin1Char('\n')), Error::Kind::Invalid);
}

QVariantList workshopValues(const Workshop& w)
{
    return {toCode(w.type),       w.title.trimmed(),
            dateValue(w.heldOn),  timeText(w.startTime),
            timeText(w.endTime),  textValue(w.place),
            textValue(w.partner), w.capacity > 0 ? QVariant(w.capacity) : QVariant(QMetaType(QMetaType::Int)),
            textValue(w.notes)};
}

// "a.b LIKE ?" pattern for `text` (already a search key), with LIKE's wildcards escaped.
QString containsPattern(QString text)
{
    text.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    text.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    text.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + text + QLatin1Char('%');
}

} // namespace

void WorkshopRepository::insert(Workshop& w)
{
    throwIfInvalid(w.validate());
    if (findByKey(w.heldOn, w.type, w.title.trimmed()))
        throw Error(
            tr("There is already a workshop \"%1\" of this type on this date.").arg(w.title.trimmed()),
            Error::Kind::Conflict);
    const QVariant t = now();
    QSqlQuery q = m_db.exec(
        QStringLiteral("INSERT INTO workshop (workshop_type, title, held_on, start_time, end_time, place, "
                       "partner, capacity, notes, version, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id"),
        workshopValues(w) + QVariantList{t, t});
    q.next();
    w.id = q.value(0).toLongLong();
    w.title = w.title.trimmed();
    w.version = 1;
}

void WorkshopRepository::update(Workshop& w)
{
    throwIfInvalid(w.validate());
    const auto same = findByKey(w.heldOn, w.type, w.title.trimmed());
    if (same && same->id != w.id)
        throw Error(
            tr("There is already a workshop \"%1\" of this type on this date.").arg(w.title.trimmed()),
            Error::Kind::Conflict);
    QSqlQuery q = m_db.exec(
        QStringLiteral("UPDATE workshop SET workshop_type = ?, title = ?, held_on = ?, start_time = ?, "
                       "end_time = ?, place = ?, partner = ?, capacity = ?, notes = ?, updated_at = ?, "
                       "version = version + 1 WHERE id = ? AND version = ?"),
        workshopValues(w) + QVariantList{now(), w.id, w.version});
    if (q.numRowsAffected() != 1)
        throw Error(
            tr("The workshop \"%1\" was changed by someone else since you opened it; reload it to see "
               "their changes.")
                .arg(w.title),
            Error::Kind::Conflict);
    w.title = w.title.trimmed();
    ++w.version;
}

void WorkshopRepository::setCancelled(qint64 workshopId, const QDate& on)
{
    m_db.exec(QStringLiteral("UPDATE workshop SET cancelled_on = ?, updated_at = ?, version = version + 1 "
                             "WHERE id = ?"),
              {dateValue(on), now(), workshopId});
}

std::optional<Workshop> WorkshopRepository::findById(qint64 id) const
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT %1 FROM workshop w WHERE w.id = ?").arg(kWorkshopColumns), {id});
    if (!q.next())
        return std::nullopt;
    return readWorkshop(q);
}

std::optional<Workshop> WorkshopRepository::findByKey(const QDate& heldOn, WorkshopType type,
                                                      const QString& title) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT %1 FROM workshop w WHERE w.held_on = ? AND "
                                           "w.workshop_type = ? AND w.title = ?")
                                .arg(kWorkshopColumns),
                            {dateValue(heldOn), toCode(type), title});
    if (!q.next())
        return std::nullopt;
    return readWorkshop(q);
}

namespace {
const QString kCounts = QStringLiteral(
    "(SELECT COUNT(*) FROM workshop_registration r WHERE r.workshop_id = w.id AND r.status = 'registered'), "
    "(SELECT COUNT(*) FROM workshop_registration r WHERE r.workshop_id = w.id AND r.status = 'waiting'), "
    "(SELECT COUNT(*) FROM workshop_registration r WHERE r.workshop_id = w.id AND r.status = 'registered' "
    "AND r.attended = TRUE), "
    "(SELECT COUNT(*) FROM workshop_registration r WHERE r.workshop_id = w.id AND r.status = 'registered' "
    "AND r.attended = FALSE)");

WorkshopSummary readSummary(const QSqlQuery& q)
{
    WorkshopSummary s;
    s.workshop = readWorkshop(q);
    s.registered = q.value(kWorkshopColumnCount).toInt();
    s.waiting = q.value(kWorkshopColumnCount + 1).toInt();
    s.present = q.value(kWorkshopColumnCount + 2).toInt();
    s.absent = q.value(kWorkshopColumnCount + 3).toInt();
    return s;
}
} // namespace

std::vector<WorkshopSummary> WorkshopRepository::list(const QDate& from, const QDate& to) const
{
    QString sql = QStringLiteral("SELECT %1, %2 FROM workshop w WHERE 1 = 1").arg(kWorkshopColumns, kCounts);
    QVariantList values;
    if (from.isValid()) {
        sql += QStringLiteral(" AND w.held_on >= ?");
        values << dateValue(from);
    }
    if (to.isValid()) {
        sql += QStringLiteral(" AND w.held_on <= ?");
        values << dateValue(to);
    }
    sql += QStringLiteral(" ORDER BY w.held_on, w.start_time, w.title, w.id");
    QSqlQuery q = m_db.exec(sql, values);
    std::vector<WorkshopSummary> result;
    while (q.next())
        result.push_back(readSummary(q));
    return result;
}

WorkshopSummary WorkshopRepository::summary(qint64 workshopId) const
{
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT %1, %2 FROM workshop w WHERE w.id = ?").arg(kWorkshopColumns, kCounts),
        {workshopId});
    if (!q.next())
        throw Error(tr("There is no workshop %1.").arg(workshopId), Error::Kind::NotFound);
    return readSummary(q);
}

void WorkshopRepository::insertRegistration(Registration& r, qint64 recordedBy)
{
    const QVariant t = now();
    QSqlQuery q = m_db.exec(
        QStringLiteral("INSERT INTO workshop_registration (workshop_id, person_id, status, queued_at, "
                       "cancelled_at, attended, attendance_recorded_at, recorded_by, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        {r.workshopId, r.personId, toCode(r.status),
         timestampValue(r.queuedAt.isValid() ? r.queuedAt : Clock::instance().nowUtc()),
         timestampValue(r.cancelledAt), optionalBool(r.attended),
         r.attended ? t : QVariant(QMetaType(QMetaType::QString)), idValue(recordedBy), t, t});
    q.next();
    r.id = q.value(0).toLongLong();
}

void WorkshopRepository::updateRegistration(const Registration& r, qint64 recordedBy)
{
    const QVariant t = now();
    m_db.exec(QStringLiteral("UPDATE workshop_registration SET status = ?, queued_at = ?, cancelled_at = ?, "
                             "attended = ?, attendance_recorded_at = CASE WHEN ? THEN ? ELSE "
                             "attendance_recorded_at END, recorded_by = COALESCE(?, recorded_by), "
                             "updated_at = ? WHERE id = ?"),
              {toCode(r.status), timestampValue(r.queuedAt), timestampValue(r.cancelledAt),
               optionalBool(r.attended), r.attended.has_value(), t, idValue(recordedBy), t, r.id});
}

std::optional<Registration> WorkshopRepository::findRegistration(qint64 workshopId, qint64 personId) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT %1 FROM workshop_registration r WHERE r.workshop_id = ? "
                                           "AND r.person_id = ?")
                                .arg(kRegistrationColumns),
                            {workshopId, personId});
    if (!q.next())
        return std::nullopt;
    return readRegistration(q);
}

std::vector<RegistrationRow> WorkshopRepository::registrations(qint64 workshopId) const
{
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT %1, p.code, p.first_name, p.last_name, h.code FROM workshop_registration r "
                       "JOIN person p ON p.id = r.person_id JOIN household h ON h.id = p.household_id "
                       "WHERE r.workshop_id = ? ORDER BY CASE r.status WHEN 'registered' THEN 0 WHEN "
                       "'waiting' THEN 1 ELSE 2 END, CASE WHEN r.status = 'waiting' THEN r.queued_at END, "
                       "p.search_name, p.code")
            .arg(kRegistrationColumns),
        {workshopId});
    std::vector<RegistrationRow> result;
    int rank = 0;
    while (q.next()) {
        RegistrationRow row;
        row.registration = readRegistration(q);
        row.personCode = q.value(kRegistrationColumnCount).toString();
        row.personName = personName(row.personCode, q.value(kRegistrationColumnCount + 1),
                                    q.value(kRegistrationColumnCount + 2));
        row.householdCode = q.value(kRegistrationColumnCount + 3).toString();
        if (row.registration.status == RegistrationStatus::Waiting)
            row.waitingRank = ++rank;
        result.push_back(row);
    }
    return result;
}

int WorkshopRepository::countRegistered(qint64 workshopId) const
{
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT COUNT(*) FROM workshop_registration WHERE workshop_id = ? "
                                           "AND status = 'registered'"),
                            {workshopId});
    q.next();
    return q.value(0).toInt();
}

std::vector<Registration> WorkshopRepository::waitingList(qint64 workshopId) const
{
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT %1 FROM workshop_registration r WHERE r.workshop_id = ? AND "
                                 "r.status = 'waiting' ORDER BY r.queued_at, r.id")
                      .arg(kRegistrationColumns),
                  {workshopId});
    std::vector<Registration> result;
    while (q.next())
        result.push_back(readRegistration(q));
    return result;
}

std::vector<WorkshopHistoryRow> WorkshopRepository::history(const QString& where, qint64 id) const
{
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT %1, %2, p.code, p.first_name, p.last_name FROM workshop_registration r "
                       "JOIN workshop w ON w.id = r.workshop_id JOIN person p ON p.id = r.person_id "
                       "WHERE %3 ORDER BY w.held_on DESC, w.start_time DESC, w.id DESC, p.code")
            .arg(kWorkshopColumns, kRegistrationColumns, where),
        {id});
    std::vector<WorkshopHistoryRow> result;
    while (q.next()) {
        WorkshopHistoryRow row;
        row.workshop = readWorkshop(q);
        row.registration = readRegistration(q, kWorkshopColumnCount);
        const int at = kWorkshopColumnCount + kRegistrationColumnCount;
        row.personCode = q.value(at).toString();
        row.personName = personName(row.personCode, q.value(at + 1), q.value(at + 2));
        result.push_back(row);
    }
    return result;
}

std::vector<WorkshopHistoryRow> WorkshopRepository::historyForPerson(qint64 personId) const
{
    return history(QStringLiteral("r.person_id = ?"), personId);
}

std::vector<WorkshopHistoryRow> WorkshopRepository::historyForHousehold(qint64 householdId) const
{
    return history(QStringLiteral("p.household_id = ?"), householdId);
}

QString WorkshopRepository::personName(const QString& code, const QVariant& firstName,
                                       const QVariant& lastName) const
{
    return m_sealed.open(QLatin1String("person.first_name"), code, firstName) + QLatin1Char(' ') +
           m_sealed.open(QLatin1String("person.last_name"), code, lastName);
}

std::vector<PersonMatch> WorkshopRepository::searchPersons(const QString& text, int limit) const
{
    const QString key = searchKey(text);
    const QString code = text.trimmed().toLower();
    std::vector<PersonMatch> result;
    if (key.isEmpty() && code.isEmpty())
        return result;
    const QString pattern = containsPattern(key);
    const QString codePattern = containsPattern(code);
    if (m_sealed.on()) {
        // Names from the name index (a name containing the text), codes in SQL; ordered by name in memory.
        m_sealed.requireKeys();
        const auto index = NameIndex::of(m_db, *m_sealed.keys());
        index->refresh(m_db, *m_sealed.keys());
        QStringList ids;
        for (const qint64 id : index->personsNamed(key))
            ids << QString::number(id);
        QSqlQuery q =
            m_db.exec(QStringLiteral("SELECT p.id, p.code, p.first_name, p.last_name, h.code FROM person p "
                                     "JOIN household h ON h.id = p.household_id "
                                     "WHERE p.id IN (%1) OR LOWER(p.code) LIKE ? ESCAPE '\\' "
                                     "OR LOWER(h.code) LIKE ? ESCAPE '\\'")
                          .arg(ids.isEmpty() ? QStringLiteral("0") : ids.join(QLatin1Char(','))),
                      {codePattern, codePattern});
        std::vector<std::pair<QString, PersonMatch>> found;
        while (q.next()) {
            const QString personCode = q.value(1).toString();
            const QString name = personName(personCode, q.value(2), q.value(3));
            found.push_back(
                {searchKey(name), {q.value(0).toLongLong(), personCode, name, q.value(4).toString()}});
        }
        std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first < b.first : a.second.code < b.second.code;
        });
        for (auto& f : found) {
            if (int(result.size()) >= limit)
                break;
            result.push_back(std::move(f.second));
        }
        return result;
    }
    QSqlQuery q =
        m_db.exec(QStringLiteral("SELECT p.id, p.code, p.first_name, p.last_name, h.code FROM person p "
                                 "JOIN household h ON h.id = p.household_id "
                                 "WHERE p.search_name LIKE ? ESCAPE '\\' OR LOWER(p.code) LIKE ? ESCAPE '\\' "
                                 "OR LOWER(h.code) LIKE ? ESCAPE '\\' "
                                 "ORDER BY p.search_name, p.code LIMIT ?"),
                  {pattern, codePattern, codePattern, limit});
    while (q.next())
        result.push_back({q.value(0).toLongLong(), q.value(1).toString(),
                          q.value(2).toString() + QLatin1Char(' ') + q.value(3).toString(),
                          q.value(4).toString()});
    return result;
}

} // namespace cabas::store
