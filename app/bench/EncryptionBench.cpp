// cabas-bench --encryption [--households N]: the cost of field-level encryption (docs/encryption.md) next to
// the same work unencrypted, on SQLite (and PostgreSQL with CABAS_BENCH_PG).
//
// - key ring: Argon2id unlock of a slot (interactive and moderate limits), as at every login;
// - person rows (first name, last name, birth date, address, notes): bulk insert in clear, then with the five
//   values encrypted (XChaCha20-Poly1305, data key, context bound);
// - login index: reading every row and decrypting the two names into an in-memory search index, and a search
//   (substring of the normalised name) over that index, next to the SQL LIKE search over the clear column;
// - cohort_health (store/HealthSealing.h): sealing, then opening and parsing, the M0 and M6 rows of a
//   checkup and a questionnaire per person (4 rows per person) with the cohort key, as a coordinator's cohort
//   summary does on a sealed database.
#include "common/Error.h"
#include "security/KeyRing.h"
#include "store/BulkInserter.h"
#include "store/Database.h"
#include "store/DatabaseSpec.h"
#include "store/HealthSealing.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <cstdio>
#include <ctime>
#include <vector>

using namespace cabas;
using security::KeyRing;

namespace {

double cpuNow()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// CPU seconds since the last line (the machine is shared: wall time alone says little).
double cpuMark = 0;

void line(const QString& bench, const QString& backend, qint64 n, double seconds, const QString& unit,
          double baseline = -1, int divisor = 1)
{
    const double cpu = (cpuNow() - cpuMark) / divisor;
    QJsonObject o{{QStringLiteral("bench"), bench},
                  {QStringLiteral("backend"), backend},
                  {QStringLiteral("n"), double(n)},
                  {QStringLiteral("seconds"), seconds},
                  {QStringLiteral("unit"), unit}};
    if (n > 0 && seconds > 0)
        o.insert(QStringLiteral("per_second"), double(n) / seconds);
    if (baseline > 0)
        o.insert(QStringLiteral("vs_clear"), seconds / baseline);
    o.insert(QStringLiteral("cpu_seconds"), cpu);
    std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    cpuMark = cpuNow();
}

double secs(const QElapsedTimer& t)
{
    return double(t.nsecsElapsed()) / 1e9;
}

struct Row
{
    QString first, last, birth, address, notes;
};

Row row(int i)
{
    static const char* const firsts[] = {"Marie", "Jean",   "Lucie", "Ahmed",
                                         "Fatou", "Pierre", "Chloé", "Karim"};
    static const char* const lasts[] = {"Dupont", "Martin", "Bernard", "Diallo", "Nguyen", "Moreau", "Petit"};
    return {QString::fromUtf8(firsts[i % 8]),
            QStringLiteral("%1-%2").arg(QString::fromUtf8(lasts[i % 7])).arg(i),
            QStringLiteral("19%1-%2-%3")
                .arg(40 + i % 60)
                .arg(1 + i % 12, 2, 10, QLatin1Char('0'))
                .arg(1 + i % 28, 2, 10, QLatin1Char('0')),
            QStringLiteral("%1 rue de la République, 32000 Auch").arg(i % 300),
            QStringLiteral("Suivi régulier, rendez-vous pris")};
}

QString normalised(const QString& s)
{
    QString d = s.normalized(QString::NormalizationForm_D).toLower();
    QString out;
    out.reserve(d.size());
    for (const QChar c : d)
        if (c.category() != QChar::Mark_NonSpacing)
            out += c;
    return out;
}

void benchBackend(const store::DatabaseSpec& spec, const QString& backend, int n, const KeyRing& ring)
{
    auto db = store::Database::create(spec);
    db->execDirect(
        QStringLiteral("CREATE TABLE bench_clear (id BIGINT PRIMARY KEY, first_name TEXT, last_name "
                       "TEXT, search_name TEXT, birth_date TEXT, address TEXT, notes TEXT)"));
    db->execDirect(
        QStringLiteral("CREATE TABLE bench_sealed (id BIGINT PRIMARY KEY, first_name TEXT, last_name "
                       "TEXT, birth_date TEXT, address TEXT, notes TEXT)"));
    const QStringList clearCols = {QStringLiteral("id"),         QStringLiteral("first_name"),
                                   QStringLiteral("last_name"),  QStringLiteral("search_name"),
                                   QStringLiteral("birth_date"), QStringLiteral("address"),
                                   QStringLiteral("notes")};
    const QStringList sealedCols = {QStringLiteral("id"),        QStringLiteral("first_name"),
                                    QStringLiteral("last_name"), QStringLiteral("birth_date"),
                                    QStringLiteral("address"),   QStringLiteral("notes")};

    QElapsedTimer t;
    t.restart();
    cpuMark = cpuNow();
    {
        store::Database::Transaction tx(*db);
        store::BulkInserter ins(*db, QStringLiteral("bench_clear"), clearCols);
        for (int i = 0; i < n; ++i) {
            const Row r = row(i);
            ins.add({qint64(i + 1), r.first, r.last, normalised(r.last + QLatin1Char(' ') + r.first), r.birth,
                     r.address, r.notes});
        }
        ins.flush();
        tx.commit();
    }
    const double clearInsert = secs(t);
    line(QStringLiteral("encryption.insert_clear"), backend, n, clearInsert, QStringLiteral("persons"));

    // Base64 text so that both backends store the values alike (what the repositories would do).
    auto seal = [&](const QString& v, const char* field, int id) {
        return QString::fromLatin1(
            ring.encrypt(KeyRing::Scope::Data, v.toUtf8(), QByteArray(field) + ':' + QByteArray::number(id))
                .toBase64());
    };
    t.restart();
    cpuMark = cpuNow();
    {
        store::Database::Transaction tx(*db);
        store::BulkInserter ins(*db, QStringLiteral("bench_sealed"), sealedCols);
        for (int i = 0; i < n; ++i) {
            const Row r = row(i);
            ins.add({qint64(i + 1), seal(r.first, "first_name", i + 1), seal(r.last, "last_name", i + 1),
                     seal(r.birth, "birth_date", i + 1), seal(r.address, "address", i + 1),
                     seal(r.notes, "notes", i + 1)});
        }
        ins.flush();
        tx.commit();
    }
    line(QStringLiteral("encryption.insert_sealed"), backend, n, secs(t), QStringLiteral("persons"),
         clearInsert);

    // Search in clear: SQL LIKE over search_name (what HouseholdRepository does today, without its index).
    const QStringList terms = {QStringLiteral("dupont"), QStringLiteral("diallo-1"), QStringLiteral("chlo"),
                               QStringLiteral("zzz")};
    t.restart();
    cpuMark = cpuNow();
    qint64 hitsClear = 0;
    for (const QString& term : terms) {
        QSqlQuery q = db->exec(QStringLiteral("SELECT count(*) FROM bench_clear WHERE search_name LIKE ?"),
                               {QStringLiteral("%") + term + QStringLiteral("%")});
        q.next();
        hitsClear += q.value(0).toLongLong();
    }
    const double clearSearch = secs(t) / double(terms.size());
    line(QStringLiteral("encryption.search_sql_like_clear"), backend, n, clearSearch,
         QStringLiteral("per search"));

    // Login: read and decrypt every name into an in-memory index.
    t.restart();
    cpuMark = cpuNow();
    std::vector<std::pair<qint64, QString>> index;
    index.reserve(std::size_t(n));
    {
        QSqlQuery q = db->exec(QStringLiteral("SELECT id, first_name, last_name FROM bench_sealed"));
        while (q.next()) {
            const qint64 id = q.value(0).toLongLong();
            const QByteArray ctx = QByteArray::number(id);
            const QString first = QString::fromUtf8(
                ring.decrypt(KeyRing::Scope::Data, QByteArray::fromBase64(q.value(1).toString().toLatin1()),
                             "first_name:" + ctx));
            const QString last = QString::fromUtf8(
                ring.decrypt(KeyRing::Scope::Data, QByteArray::fromBase64(q.value(2).toString().toLatin1()),
                             "last_name:" + ctx));
            index.emplace_back(id, normalised(last + QLatin1Char(' ') + first));
        }
    }
    line(QStringLiteral("encryption.login_index_build"), backend, n, secs(t), QStringLiteral("persons"));

    t.restart();

    cpuMark = cpuNow();
    qint64 hitsIndex = 0;
    for (const QString& term : terms)
        for (const auto& [id, name] : index)
            if (name.contains(term))
                ++hitsIndex;
    line(QStringLiteral("encryption.search_memory_index"), backend, n, secs(t) / double(terms.size()),
         QStringLiteral("per search"), clearSearch, int(terms.size()));
    if (hitsIndex != hitsClear)
        throw Error(QStringLiteral("bench: the in-memory index found %1 persons, SQL %2")
                        .arg(hitsIndex)
                        .arg(hitsClear));
}

} // namespace

// The hook of app/bench/main.cpp (--encryption).
int runEncryptionBench(int households)
{
    try {
        const int n = households > 0 ? households : 100000;
        User admin;
        admin.id = 1;
        admin.login = QStringLiteral("admin");
        admin.role = Role::Admin;
        const QString pw = QStringLiteral("Bench-Password-2026");
        QElapsedTimer t;
        t.restart();
        cpuMark = cpuNow();
        KeyRing::Created c = KeyRing::create(admin, pw);
        line(QStringLiteral("encryption.keyring_create"), QStringLiteral("-"), 1, secs(t),
             QStringLiteral("2 Argon2id derivations, keys, recovery slot"));
        t.restart();
        cpuMark = cpuNow();
        const int unlocks = 5;
        for (int i = 0; i < unlocks; ++i)
            KeyRing::unlock(c.header, c.admin, pw);
        line(QStringLiteral("encryption.unlock_interactive"), QStringLiteral("-"), unlocks, secs(t) / unlocks,
             QStringLiteral("per login"), -1, unlocks);
        const security::KeySlot moderate = c.ring.rewrap(c.admin, pw, security::KdfLimits::moderate());
        t.restart();
        cpuMark = cpuNow();
        KeyRing::unlock(c.header, moderate, pw);
        line(QStringLiteral("encryption.unlock_moderate"), QStringLiteral("-"), 1, secs(t),
             QStringLiteral("per login"));

        // Raw cost of one field, without any database.
        const QByteArray value = QByteArrayLiteral("Dupont-Lagarde");
        const int fields = 200000;
        t.restart();
        cpuMark = cpuNow();
        QByteArray last;
        for (int i = 0; i < fields; ++i)
            last = c.ring.encrypt(KeyRing::Scope::Data, value, "person.last_name:" + QByteArray::number(i));
        line(QStringLiteral("encryption.field_encrypt"), QStringLiteral("-"), fields, secs(t),
             QStringLiteral("fields"));
        t.restart();
        cpuMark = cpuNow();
        for (int i = 0; i < fields; ++i)
            c.ring.decrypt(KeyRing::Scope::Data, last, "person.last_name:" + QByteArray::number(fields - 1));
        line(QStringLiteral("encryption.field_decrypt"), QStringLiteral("-"), fields, secs(t),
             QStringLiteral("fields"));

        // The cohort's derived health values: a nurse's ring (health and cohort keys), 4 rows per person.
        {
            User nurse;
            nurse.id = 2;
            nurse.login = QStringLiteral("nurse");
            nurse.role = Role::Nurse;
            KeyRing nurseRing = KeyRing::unlock(c.header, c.ring.issueSlot(nurse, pw), pw);
            nurseRing.createHealthKey();
            nurseRing.createCohortKey();
            const int rows = 4 * n;
            std::vector<QString> stored;
            stored.reserve(size_t(rows));
            t.restart();
            cpuMark = cpuNow();
            for (int i = 0; i < rows; ++i) {
                const bool checkup = i % 2 == 0;
                const QString wave = (i / 2) % 2 == 0 ? QStringLiteral("M0") : QStringLiteral("M6");
                QJsonObject o;
                if (checkup)
                    o.insert(QStringLiteral("bmi"), 70000.0 * 1000.0 / (1700.0 * 1700.0) + i % 50);
                else
                    o = {{QStringLiteral("organic_fv"), i % 5},
                         {QStringLiteral("local_products"), (i / 3) % 5},
                         {QStringLiteral("organic_products"), (i / 7) % 5},
                         {QStringLiteral("discovered"), i % 3 == 0}};
                const QByteArray context =
                    QByteArrayLiteral("cohort_health.sealed:") + (checkup ? "checkup" : "questionnaire") +
                    ':' + QByteArray::number(i) + ':' + QByteArray::number(i / 4) + ':' + wave.toLatin1();
                stored.push_back(
                    QString::fromLatin1(nurseRing
                                            .encrypt(KeyRing::Scope::Cohort,
                                                     QJsonDocument(o).toJson(QJsonDocument::Compact), context)
                                            .toBase64()));
            }
            line(QStringLiteral("encryption.cohort_health_seal"), QStringLiteral("-"), rows, secs(t),
                 QStringLiteral("rows (4 per person)"));
            t.restart();
            cpuMark = cpuNow();
            double sum = 0;
            for (int i = 0; i < rows; ++i) {
                const bool checkup = i % 2 == 0;
                const auto v = store::HealthSealing::openCohort(
                    nurseRing, checkup ? QStringLiteral("checkup") : QStringLiteral("questionnaire"), i,
                    i / 4, (i / 2) % 2 == 0 ? QStringLiteral("M0") : QStringLiteral("M6"), stored[size_t(i)]);
                sum += v.bmi.value_or(0) + v.organicFv.value_or(0);
            }
            line(QStringLiteral("encryption.cohort_health_open"), QStringLiteral("-"), rows, secs(t),
                 QStringLiteral("rows (4 per person): decrypt and parse"));
            if (sum <= 0)
                throw Error(QStringLiteral("bench: the cohort rows opened to nothing"));
        }

        QTemporaryDir dir;
        store::DatabaseSpec spec;
        spec.path = dir.filePath(QStringLiteral("encryption.cabas"));
        benchBackend(spec, QStringLiteral("sqlite"), n, c.ring);
        const QString pg = qEnvironmentVariable("CABAS_BENCH_PG");
        if (!pg.isEmpty())
            benchBackend(store::DatabaseSpec::parse(pg), QStringLiteral("postgresql"), n, c.ring);
    } catch (const Error& e) {
        std::fprintf(stderr, "cabas-bench: %s\n", qPrintable(e.message()));
        return 1;
    }
    return 0;
}
