#include "store/SealExisting.h"

#include "common/Error.h"
#include "security/KeyRing.h"
#include "store/Sealed.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QSet>
#include <algorithm>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>
#include <vector>

namespace cabas::store {

namespace {

QMutex busyMutex;
QSet<QString> busyPaths;

QString canonical(const QString& path)
{
    return QFileInfo(path).absoluteFilePath();
}

const QStringList kSqliteSuffixes{QString(), QStringLiteral("-wal"), QStringLiteral("-shm"),
                                  QStringLiteral("-journal")};

qint64 countOf(const Database& db, const QString& sql)
{
    QSqlQuery q = db.exec(sql);
    return q.next() ? q.value(0).toLongLong() : 0;
}

QString sealed(const security::KeyRing& keys, const char* field, const QString& rowKey, const QString& value)
{
    return Sealed::sealText(keys, QLatin1String(field), rowKey, value);
}

// Rows without a code, sealed with their id (HouseholdRepository's sealById).
void sealById(const Database& db, const security::KeyRing& keys, const QString& table, const QString& column,
              const char* field, SealExisting::Rows& rows)
{
    struct Row
    {
        qint64 id;
        QString value;
    };
    std::vector<Row> all;
    {
        QSqlQuery q =
            db.exec(QStringLiteral("SELECT id, %1 FROM %2 WHERE %1 <> '' ORDER BY id").arg(column, table));
        while (q.next())
            all.push_back({q.value(0).toLongLong(), q.value(1).toString()});
    }
    QSqlQuery update = db.prepare(QStringLiteral("UPDATE %1 SET %2 = ? WHERE id = ?").arg(table, column));
    for (const Row& r : all) {
        Database::exec(update, {sealed(keys, field, QString::number(r.id), r.value), r.id});
        rows.step();
    }
}

} // namespace

SealExisting::Busy::Busy(const QString& path) : m_path(canonical(path))
{
    QMutexLocker lock(&busyMutex);
    if (busyPaths.contains(m_path))
        throw Error(tr("%1 is already being sealed.").arg(QDir::toNativeSeparators(path)),
                    Error::Kind::Conflict);
    busyPaths.insert(m_path);
}

SealExisting::Busy::~Busy()
{
    QMutexLocker lock(&busyMutex);
    busyPaths.remove(m_path);
}

SealExisting::Rows::Rows(qint64 total, const RowProgress& progress) : m_total(total), m_progress(progress) {}

void SealExisting::Rows::step(qint64 n)
{
    constexpr qint64 kProgressEvery = 256;
    const qint64 before = m_done;
    m_done += n;
    if (m_done / kProgressEvery != before / kProgressEvery || m_done == m_total)
        tell();
}

void SealExisting::Rows::tell()
{
    if (m_progress && !m_progress(m_done, m_total))
        throw Error(tr("The sealing was cancelled; the database was not changed."), Error::Kind::Cancelled);
}

void SealExisting::removeLeftovers(const QString& path)
{
    {
        QMutexLocker lock(&busyMutex);
        if (busyPaths.contains(canonical(path)))
            return;
    }
    for (const QString& file : {encryptingFile(path), encryptedFile(path)})
        for (const QString& suffix : kSqliteSuffixes)
            QFile::remove(file + suffix);
    // Backup::write's partial copy (".NAME.encrypting.<uuid>.part" and its companions).
    const QFileInfo info(path);
    QDir dir = info.absoluteDir();
    // The same for the backup taken first under its default name (Sealing::defaultBackupFile): a partial
    // backup holds clear values too.
    for (const QString& name :
         dir.entryList({QStringLiteral(".%1.encrypting.*.part*").arg(info.fileName()),
                        QStringLiteral(".%1.before-sealing-*.part*").arg(info.completeBaseName())},
                       QDir::Files | QDir::Hidden | QDir::System))
        QFile::remove(dir.filePath(name));
}

void SealExisting::sealSocialColumns(const Database& db, const security::KeyRing& keys,
                                     const RowProgress& progress)
{
    const auto count = [&](const QString& sql) { return countOf(db, sql); };
    const qint64 total =
        count(QStringLiteral("SELECT count(*) FROM household")) +
        count(QStringLiteral("SELECT count(*) FROM person")) +
        count(QStringLiteral("SELECT count(*) FROM household_note WHERE body <> ''")) +
        count(QStringLiteral("SELECT count(*) FROM household_status_event WHERE reason <> ''")) +
        count(QStringLiteral("SELECT count(*) FROM card_event WHERE reason <> ''")) +
        count(QStringLiteral("SELECT count(*) FROM consent WHERE note <> ''")) +
        count(QStringLiteral("SELECT count(*) FROM income_assessment WHERE note <> ''"));
    Rows rows(total, progress);
    rows.tell();

    // The schema of a sealed database (Sealed::sealNewDatabase).
    db.execDirect(QStringLiteral("ALTER TABLE person ADD COLUMN birth_date_sealed TEXT NOT NULL DEFAULT ''"));
    db.execDirect(QStringLiteral("DROP INDEX IF EXISTS person_search_idx"));
    db.execDirect(QStringLiteral("DROP INDEX IF EXISTS person_duplicate_idx"));
    db.execDirect(QStringLiteral("DELETE FROM household_search_term"));
    db.execDirect(QStringLiteral("CREATE INDEX IF NOT EXISTS person_updated_idx ON person (updated_at)"));
    db.execDirect(
        QStringLiteral("CREATE INDEX IF NOT EXISTS household_updated_idx ON household (updated_at)"));

    // Households: bound to their code (HouseholdRepository's householdValues).
    {
        struct Row
        {
            qint64 id;
            QString code, address, notes, exitReason;
        };
        std::vector<Row> all;
        {
            QSqlQuery q = db.exec(
                QStringLiteral("SELECT id, code, address, notes, exit_reason FROM household ORDER BY id"));
            while (q.next())
                all.push_back({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                               q.value(3).toString(), q.value(4).toString()});
        }
        QSqlQuery update = db.prepare(
            QStringLiteral("UPDATE household SET address = ?, notes = ?, exit_reason = ? WHERE id = ?"));
        for (const Row& h : all) {
            Database::exec(update,
                           {textValue(sealed(keys, "household.address", h.code, h.address)),
                            textValue(sealed(keys, "household.notes", h.code, h.notes)),
                            textValue(sealed(keys, "household.exit_reason", h.code, h.exitReason)), h.id});
            rows.step();
        }
    }

    // Persons: names, departure reason and the full birth date sealed with their code; the clear birth date
    // keeps the first day of the month; no search name (HouseholdRepository's personValues).
    {
        struct Row
        {
            qint64 id;
            QString code, firstName, lastName, departureReason;
            QDate birthDate;
        };
        std::vector<Row> all;
        {
            QSqlQuery q = db.exec(QStringLiteral("SELECT id, code, first_name, last_name, birth_date, "
                                                 "departure_reason FROM person ORDER BY id"));
            while (q.next())
                all.push_back({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                               q.value(3).toString(), q.value(5).toString(), toDate(q.value(4))});
        }
        QSqlQuery update = db.prepare(QStringLiteral(
            "UPDATE person SET first_name = ?, last_name = ?, search_name = '', birth_date = ?, "
            "birth_date_sealed = ?, departure_reason = ? WHERE id = ?"));
        for (const Row& p : all) {
            Database::exec(
                update,
                {textValue(sealed(keys, "person.first_name", p.code, p.firstName)),
                 textValue(sealed(keys, "person.last_name", p.code, p.lastName)),
                 dateValue(Sealed::coarseBirthDate(p.birthDate)),
                 textValue(sealed(keys, "person.birth_date", p.code,
                                  p.birthDate.isValid() ? p.birthDate.toString(Qt::ISODate) : QString())),
                 textValue(sealed(keys, "person.departure_reason", p.code, p.departureReason)), p.id});
            rows.step();
        }
    }

    sealById(db, keys, QStringLiteral("household_note"), QStringLiteral("body"), "household_note.body", rows);
    sealById(db, keys, QStringLiteral("household_status_event"), QStringLiteral("reason"),
             "household_status_event.reason", rows);
    sealById(db, keys, QStringLiteral("card_event"), QStringLiteral("reason"), "card_event.reason", rows);
    sealById(db, keys, QStringLiteral("consent"), QStringLiteral("note"), "consent.note", rows);

    // Income notes: bound to the household and the assessment's time (IncomeRepository's noteKey). The table
    // is append-only: its guard is lifted for this one rewrite, in this transaction.
    {
        struct Row
        {
            qint64 id;
            QString key, note;
        };
        std::vector<Row> all;
        {
            QSqlQuery q = db.exec(QStringLiteral("SELECT id, household_id, assessed_at, note FROM "
                                                 "income_assessment WHERE note <> '' ORDER BY id"));
            while (q.next())
                all.push_back({q.value(0).toLongLong(),
                               QString::number(q.value(1).toLongLong()) + QLatin1Char('/') +
                                   timestampValue(toTimestamp(q.value(2))).toString(),
                               q.value(3).toString()});
        }
        if (!all.empty()) {
            const bool sqlite = db.backend() == Backend::Sqlite;
            QString guard;
            if (sqlite) {
                QSqlQuery g =
                    db.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                                           "name = 'income_assessment_no_update'"));
                if (g.next())
                    guard = g.value(0).toString();
                if (!guard.isEmpty())
                    db.execDirect(QStringLiteral("DROP TRIGGER income_assessment_no_update"));
            } else
                db.execDirect(QStringLiteral(
                    "ALTER TABLE income_assessment DISABLE TRIGGER income_assessment_append_only"));
            QSqlQuery update =
                db.prepare(QStringLiteral("UPDATE income_assessment SET note = ? WHERE id = ?"));
            for (const Row& r : all) {
                Database::exec(update, {sealed(keys, "income_assessment.note", r.key, r.note), r.id});
                rows.step();
            }
            if (sqlite) {
                if (!guard.isEmpty())
                    db.execDirect(guard);
            } else
                db.execDirect(QStringLiteral(
                    "ALTER TABLE income_assessment ENABLE TRIGGER income_assessment_append_only"));
        }
    }
    rows.tell();
}

void SealExisting::setMarker(const Database& db, const QString& value)
{
    db.exec(QStringLiteral("DELETE FROM cabas_meta WHERE key = ?"), {QString(Sealed::kMetaKey)});
    db.exec(QStringLiteral("INSERT INTO cabas_meta (key, value) VALUES (?, ?)"),
            {QString(Sealed::kMetaKey), value});
}

QString SealExisting::markerOf(const Database& db)
{
    QSqlQuery q =
        db.exec(QStringLiteral("SELECT value FROM cabas_meta WHERE key = ?"), {QString(Sealed::kMetaKey)});
    return q.next() ? q.value(0).toString() : QString();
}

QStringList SealExisting::sample(const Database& db, const security::KeyRing* keys, int each)
{
    const auto open = [&](const char* field, const QString& rowKey, const QVariant& stored) {
        return keys ? Sealed::openText(*keys, QLatin1String(field), rowKey, stored.toString())
                    : stored.toString();
    };
    std::vector<qint64> ids;
    for (const char* order : {"ASC", "DESC"}) {
        QSqlQuery q = db.exec(QStringLiteral("SELECT id FROM household ORDER BY id %1 LIMIT %2")
                                  .arg(QLatin1String(order))
                                  .arg(each));
        while (q.next())
            if (std::find(ids.begin(), ids.end(), q.value(0).toLongLong()) == ids.end())
                ids.push_back(q.value(0).toLongLong());
    }
    QStringList out;
    for (const qint64 id : ids) {
        QSqlQuery h = db.exec(
            QStringLiteral("SELECT code, address, notes, exit_reason FROM household WHERE id = ?"), {id});
        if (!h.next())
            continue;
        const QString code = h.value(0).toString();
        out << code << open("household.address", code, h.value(1))
            << open("household.notes", code, h.value(2)) << open("household.exit_reason", code, h.value(3));
        QSqlQuery p = db.exec(
            QStringLiteral("SELECT code, first_name, last_name, birth_date, departure_reason%1 FROM person "
                           "WHERE household_id = ? ORDER BY id")
                .arg(keys ? QStringLiteral(", birth_date_sealed") : QString()),
            {id});
        while (p.next()) {
            const QString person = p.value(0).toString();
            out << person << open("person.first_name", person, p.value(1))
                << open("person.last_name", person, p.value(2))
                << (keys ? open("person.birth_date", person, p.value(5))
                         : toDate(p.value(3)).toString(Qt::ISODate))
                << open("person.departure_reason", person, p.value(4));
        }
        QSqlQuery n = db.exec(
            QStringLiteral("SELECT id, body FROM household_note WHERE household_id = ? ORDER BY id"), {id});
        while (n.next())
            out << open("household_note.body", QString::number(n.value(0).toLongLong()), n.value(1));
    }
    return out;
}

qint64 SealExisting::auditHighWater(const Database& db)
{
    return countOf(db, QStringLiteral("SELECT coalesce(max(seq), 0) FROM audit_log"));
}

QString SealExisting::rowCounts(const Database& db)
{
    QStringList parts;
    for (const char* table :
         {"household", "person", "card", "household_note", "household_status_event", "card_event", "consent",
          "income_assessment", "app_user", "checkup", "diet_questionnaire", "checkup_correction",
          "prevention_step", "support_session"})
        parts << QStringLiteral("%1=%2")
                     .arg(QLatin1String(table))
                     .arg(countOf(db, QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(table))));
    return parts.join(QLatin1Char(' '));
}

void SealExisting::vacuumInto(const Database& db, const QString& target)
{
    db.exec(QStringLiteral("VACUUM INTO ?"), {target});
}

void SealExisting::syncToDisk(const QString& file)
{
    for (const QString& path : {file, QFileInfo(file).absolutePath()}) {
        const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY);
        if (fd < 0)
            throw Error(tr("Cannot write %1.").arg(QDir::toNativeSeparators(path)), Error::Kind::Storage);
        const int rc = ::fsync(fd);
        ::close(fd);
        if (rc != 0)
            throw Error(tr("Cannot write %1.").arg(QDir::toNativeSeparators(path)), Error::Kind::Storage);
    }
}

void SealExisting::replaceOriginal(const QString& path, const QString& sealed, qint64 expectedAuditHighWater,
                                   const std::function<void(int)>& moment)
{
    // The old write-ahead log must be empty before the new file takes the name: SQLite would replay its
    // frames into the new file.
    {
        sqlite3* handle = nullptr;
        const auto fail = [&](const QString& why, Error::Kind kind) {
            sqlite3_close(handle);
            throw Error(why, kind);
        };
        if (sqlite3_open_v2(QFile::encodeName(path).constData(), &handle, SQLITE_OPEN_READWRITE, nullptr) !=
            SQLITE_OK)
            fail(tr("Cannot open %1: %2")
                     .arg(QDir::toNativeSeparators(path), QString::fromUtf8(sqlite3_errmsg(handle))),
                 Error::Kind::Storage);
        sqlite3_busy_timeout(handle, 10000);
        sqlite3_stmt* stmt = nullptr;
        qint64 high = -1;
        if (sqlite3_prepare_v2(handle, "SELECT coalesce(max(seq), 0) FROM audit_log", -1, &stmt, nullptr) ==
                SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW)
            high = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        if (high != expectedAuditHighWater)
            fail(tr("Someone changed %1 while it was being sealed: it was left as it was. Seal it again when "
                    "nobody else is working on it.")
                     .arg(QDir::toNativeSeparators(path)),
                 Error::Kind::Conflict);
        int logFrames = 0, checkpointed = 0;
        const int rc =
            sqlite3_wal_checkpoint_v2(handle, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &logFrames, &checkpointed);
        if (rc != SQLITE_OK)
            fail(tr("%1 is still open in another program: close it there, then seal it again (it was left as "
                    "it "
                    "was).")
                     .arg(QDir::toNativeSeparators(path)),
                 Error::Kind::Conflict);
        sqlite3_close(handle);
    }
    if (QFileInfo(path + QStringLiteral("-wal")).size() > 0)
        throw Error(tr("%1 is still open in another program: close it there, then seal it again (it was left "
                       "as it was).")
                        .arg(QDir::toNativeSeparators(path)),
                    Error::Kind::Conflict);
    if (moment)
        moment(0);
    if (::rename(QFile::encodeName(sealed).constData(), QFile::encodeName(path).constData()) != 0)
        throw Error(tr("Cannot write %1.").arg(QDir::toNativeSeparators(path)), Error::Kind::Storage);
    if (moment)
        moment(1);
    QFile::remove(path + QStringLiteral("-wal"));
    QFile::remove(path + QStringLiteral("-shm"));
    QFile::remove(path + QStringLiteral("-journal"));
    syncToDisk(path);
}

} // namespace cabas::store
