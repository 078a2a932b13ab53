#include "store/CohortQueries.h"

#include "common/Parallel.h"
#include "domain/Questionnaire.h"
#include "security/KeyRing.h"
#include "store/FiguresLock.h"
#include "store/HealthSealing.h"
#include "store/LedgerRepository.h"
#include "store/Sealed.h"
#include "store/SqliteStatement.h"
#include "store/StatementClock.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QSqlField>
#include <QSqlQuery>
#include <QSqlRecord>
#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

namespace cabas::store {

namespace {

qint64 num(const QSqlQuery& q, int i)
{
    return q.value(i).isNull() ? 0 : q.value(i).toLongLong();
}

// A frequency as a rank (never < rarely < sometimes < often < always); NULL stays NULL.
QString rank(const QString& column)
{
    return QStringLiteral("(CASE %1 WHEN 'never' THEN 0 WHEN 'rarely' THEN 1 WHEN 'sometimes' THEN 2 "
                          "WHEN 'often' THEN 3 WHEN 'always' THEN 4 END)")
        .arg(column);
}

// A member of a cohort household counts when arrived by `to` (or no arrival date) and not left before `from`
// (parameters: to, from), person alias p.
QString memberCondition()
{
    return QStringLiteral(
        "(p.arrived_on IS NULL OR p.arrived_on <= ?) AND (p.left_on IS NULL OR p.left_on >= ?)");
}

} // namespace

CohortQueries::Sql CohortQueries::with(const CohortFilter& f) const
{
    Sql s;
    s.text = QStringLiteral("WITH cohort AS (SELECT h.id FROM household h "
                            "WHERE h.enrolled_on IS NOT NULL AND h.enrolled_on <= ? "
                            "AND (h.exited_on IS NULL OR h.exited_on >= ?)");
    // The filters are always in the text (NULL when unset), so that the statement is the same whatever the
    // filter: on PostgreSQL it may run as a fixed function (installPgFunctions()).
    auto optional = [](const QString& value) {
        return value.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(value);
    };
    s.text += QStringLiteral(" AND (CAST(? AS TEXT) IS NULL OR h.commune = ?)"
                             " AND (CAST(? AS TEXT) IS NULL OR h.referent_user_id IN (SELECT u.id FROM "
                             "app_user u WHERE u.login = ?))"
                             " AND (CAST(? AS TEXT) IS NULL OR h.status = ?)");
    s.values = {day(f.to),           day(f.from),          optional(f.commune),
                optional(f.commune), optional(f.referent), optional(f.referent),
                optional(f.status),  optional(f.status)};
    s.text += QStringLiteral("), cohort_person AS (SELECT p.id, p.household_id, p.role FROM person p "
                             "JOIN cohort c ON c.id = p.household_id WHERE ") +
              memberCondition() + QStringLiteral(") ");
    s.values << day(f.to) << day(f.from);
    return s;
}

QVariant CohortQueries::day(const QDate& date) const
{
    if (m_db.backend() == Backend::Postgres)
        return date.isValid() ? QVariant(date) : QVariant(QMetaType(QMetaType::QDate));
    return dateValue(date);
}

namespace {
QString pgType(const QVariant& value)
{
    switch (value.metaType().id()) {
    case QMetaType::QDate:
        return QStringLiteral("date");
    case QMetaType::Bool:
        return QStringLiteral("boolean");
    case QMetaType::Int:
        return QStringLiteral("integer");
    case QMetaType::LongLong:
        return QStringLiteral("bigint");
    case QMetaType::Double:
        return QStringLiteral("double precision");
    default:
        return QStringLiteral("text");
    }
}

// The SQL with ? replaced by $1, $2... (no statement here has a ? inside a literal).
QString numbered(const QString& sql)
{
    QString out;
    int n = 0;
    for (QChar c : sql) {
        if (c == QLatin1Char('?'))
            out += QLatin1Char('$') + QString::number(++n);
        else
            out += c;
    }
    return out;
}

const QLatin1String kFunctionPrefix("cabas_cohort_");
} // namespace

QString CohortQueries::functionName(const QString& name, const QString& sql,
                                    const QStringList& parameterTypes) const
{
    const QByteArray hash =
        QCryptographicHash::hash((sql + QLatin1Char('|') + parameterTypes.join(QLatin1Char(','))).toUtf8(),
                                 QCryptographicHash::Sha1)
            .toHex()
            .left(10);
    return kFunctionPrefix + name.left(36) + QLatin1Char('_') + QString::fromLatin1(hash);
}

QSqlQuery CohortQueries::run(const QString& name, const QString& sql, const QVariantList& values) const
{
    if (m_db.backend() != Backend::Postgres)
        return m_db.exec(sql, values);
    QStringList types;
    for (const QVariant& v : values)
        types << pgType(v);
    const QString function = functionName(name, sql, types);
    if (m_install) {
        if (m_functions->contains(function))
            return QSqlQuery();
        // The result's columns and their types, from the statement itself (run as the owner, no rows).
        QSqlQuery probe =
            m_db.exec(QStringLiteral("SELECT * FROM (%1) cabas_probe LIMIT 0").arg(sql), values);
        const QSqlRecord record = probe.record();
        QStringList columns;
        for (int i = 0; i < record.count(); ++i) {
            QSqlQuery type = m_db.exec(QStringLiteral("SELECT format_type(CAST(? AS OID), NULL)"),
                                       {record.field(i).typeID()});
            type.next();
            columns << QStringLiteral("c%1 %2").arg(i + 1).arg(type.value(0).toString());
        }
        const QString signature = QStringLiteral("%1(%2)").arg(function, types.join(QStringLiteral(", ")));
        m_db.execDirect(QStringLiteral("CREATE FUNCTION %1 RETURNS TABLE (%2) LANGUAGE sql STABLE "
                                       "SECURITY DEFINER SET search_path = public, pg_temp AS $cabas$ %3 "
                                       "$cabas$")
                            .arg(signature, columns.join(QStringLiteral(", ")), numbered(sql)));
        m_db.execDirect(QStringLiteral("REVOKE ALL ON FUNCTION %1 FROM PUBLIC").arg(signature));
        const QStringList& grantees =
            name == QLatin1String("dataset") ? m_install->exporters : m_install->readers;
        if (!grantees.isEmpty())
            m_db.execDirect(QStringLiteral("GRANT EXECUTE ON FUNCTION %1 TO %2")
                                .arg(signature, grantees.join(QStringLiteral(", "))));
        m_functions->insert(function);
        return QSqlQuery();
    }
    if (!m_functions) {
        m_functions.emplace();
        QSqlQuery q = m_db.exec(QStringLiteral("SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON "
                                               "n.oid = p.pronamespace WHERE n.nspname = 'public' AND "
                                               "p.proname LIKE 'cabas\\_cohort\\_%'"));
        while (q.next())
            m_functions->insert(q.value(0).toString());
    }
    if (!m_functions->contains(function))
        return m_db.exec(sql, values);
    QStringList arguments;
    for (const QString& type : types)
        arguments << QStringLiteral("CAST(? AS %1)").arg(type);
    return m_db.exec(
        QStringLiteral("SELECT * FROM %1(%2)").arg(function, arguments.join(QStringLiteral(", "))), values);
}

void CohortQueries::installPgFunctions(const Database& db, const QStringList& readers,
                                       const QStringList& exporters)
{
    if (db.backend() != Backend::Postgres)
        return;
    QStringList old;
    {
        QSqlQuery q = db.exec(QStringLiteral(
            "SELECT CAST(p.oid AS regprocedure) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND p.proname LIKE 'cabas\\_cohort\\_%'"));
        while (q.next())
            old << q.value(0).toString();
    }
    for (const QString& f : old)
        db.execDirect(QStringLiteral("DROP FUNCTION %1").arg(f));
    const Install install{readers, exporters};
    const CohortQueries queries(db, &install);
    queries.m_functions.emplace();
    // Every statement once: their text does not depend on the filter's values, only their parameters do.
    CohortFilter f;
    f.from = QDate(2000, 1, 1);
    f.to = QDate(2000, 12, 31);
    queries.compute(f, {{QStringLiteral("M0"), 0}});
    for (const QString& key : traceableKeys())
        queries.householdsBehind(f, key);
    queries.dataset(f, f.to);
    // The refresh of the figures per household and month (LedgerRepository::refreshFigures()): whoever writes
    // or links entries, or reads the cohort, runs it with the owner's rights. EXECUTE stays granted to
    // PUBLIC: it returns nothing and only recomputes figures from the stored entries.
    if (queries.hasFigures())
        db.execDirect(
            QStringLiteral("CREATE FUNCTION %1() RETURNS void LANGUAGE sql VOLATILE SECURITY DEFINER "
                           "SET search_path = public, pg_temp AS $cabas$ %2 $cabas$")
                .arg(LedgerRepository::refreshFunctionName(),
                     figuresLockStatement() + QStringLiteral("; ") +
                         LedgerRepository::figuresRefreshStatements().join(QStringLiteral("; "))));
}

QString CohortQueries::monthOf(const QString& column) const
{
    return m_db.backend() == Backend::Postgres ? QStringLiteral("to_char(%1, 'YYYY-MM')").arg(column)
                                               : QStringLiteral("substr(%1, 1, 7)").arg(column);
}

bool CohortQueries::clinicalMeasuresSealed() const
{
    return Sealed::coversHealth(m_db);
}

bool CohortQueries::hasWorkshops() const
{
    return m_db.schemaVersion() >= 3;
}

bool CohortQueries::hasLedger() const
{
    return m_db.schemaVersion() >= 4;
}

bool CohortQueries::hasFigures() const
{
    return m_db.schemaVersion() >= 10;
}

bool CohortQueries::hasKeptTotals() const
{
    return m_db.schemaVersion() >= 14;
}

CohortRaw CohortQueries::compute(const CohortFilter& f,
                                 const std::vector<std::pair<QString, int>>& waves) const
{
    CohortRaw raw;
    qint64 allHouseholds = 0;
    {
        const StatementClock clock(QStringLiteral("population"));
        Sql s = with(f);
        QSqlQuery q =
            run(QStringLiteral("population"),
                s.text + QStringLiteral("SELECT (SELECT COUNT(*) FROM cohort), COUNT(*), "
                                        "COALESCE(SUM(CASE WHEN role = 'adult' THEN 1 ELSE 0 END), 0), "
                                        "COALESCE(SUM(CASE WHEN role = 'child' THEN 1 ELSE 0 END), 0), "
                                        "(SELECT COUNT(*) FROM household) FROM cohort_person"),
                s.values);
        if (q.next()) {
            raw.households = num(q, 0);
            raw.persons = num(q, 1);
            raw.adults = num(q, 2);
            raw.children = num(q, 3);
            allHouseholds = num(q, 4);
        }
    }
    ledger(f, raw, allHouseholds);
    health(f, raw, waves);
    workshops(f, raw);
    return raw;
}

namespace {
std::atomic<bool> healthInSql{false};

// An ISO date's text ('YYYY-MM-DD') as the number YYYYMMDD, which orders as the text does; 0 for NULL or
// anything else (then it compares as SQL's NULL: never on or before a date).
int dayNumber(QByteArrayView text)
{
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
        return 0;
    int n = 0;
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        const char c = text[i];
        if (c < '0' || c > '9')
            return 0;
        n = n * 10 + (c - '0');
    }
    return n;
}

int dayNumber(const QDate& date)
{
    return date.isValid() && date.year() > 0 && date.year() <= 9999
               ? date.year() * 10000 + date.month() * 100 + date.day()
               : 0;
}

// The cohort_health rows of a member that can count (healthInMemory() -> sealedHealth()).
constexpr std::uint8_t kCheckupM0 = 1, kCheckupM6 = 2, kQuestionnaireM0 = 4, kQuestionnaireM6 = 8;

bool onOrBefore(int day, int bound)
{
    return day != 0 && bound != 0 && day <= bound;
}

// rank() of a frequency's text: 0 to 4, -1 for NULL or anything else.
int rankOf(QByteArrayView text)
{
    static const char* const ranks[] = {"never", "rarely", "sometimes", "often", "always"};
    for (int i = 0; i < 5; ++i)
        if (text == QByteArrayView(ranks[i]))
            return i;
    return -1;
}
} // namespace

bool CohortQueries::setHealthInSql(bool on)
{
    return healthInSql.exchange(on);
}

CohortQueries::Members CohortQueries::members(const CohortFilter& f) const
{
    const StatementClock clock(QStringLiteral("health_members"));
    Members result;
    {
        Sql s = with(f);
        SqliteStatement q(
            m_db,
            s.text +
                QStringLiteral(
                    "SELECT p.id, CASE WHEN p.arrived_on IS NOT NULL AND p.arrived_on > h.enrolled_on THEN "
                    "p.arrived_on ELSE h.enrolled_on END, h.id, h.code, h.commune FROM cohort_person cp "
                    "JOIN person p ON p.id = cp.id JOIN household h ON h.id = cp.household_id"),
            s.values);
        std::unordered_map<qint64, std::uint32_t> households;
        while (q.next()) {
            Members::Member m;
            m.id = q.int64(0);
            m.due = dayNumber(q.text(1));
            const auto found = households.try_emplace(q.int64(2), std::uint32_t(result.households.size()));
            if (found.second)
                result.households.emplace_back(QString::fromUtf8(q.text(3)), QString::fromUtf8(q.text(4)));
            m.household = found.first->second;
            result.m_members.push_back(m);
        }
    }
    // In id order (the sums run in one order whatever SQLite's plan), with a direct index when the ids are
    // dense enough (they are: one sequence per table).
    std::vector<Members::Member>& all = result.m_members;
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    if (!all.empty()) {
        result.m_first = all.front().id;
        const qint64 span = all.back().id - all.front().id + 1;
        if (span <= 8 * qint64(all.size()) + 1024) {
            result.m_slots.assign(std::size_t(span), -1);
            for (std::size_t i = 0; i < all.size(); ++i)
                result.m_slots[std::size_t(all[i].id - result.m_first)] = std::int32_t(i);
        } else {
            for (std::size_t i = 0; i < all.size(); ++i)
                result.m_sparse.emplace(all[i].id, i);
        }
    }
    // The follow-up consent: any row given (as the statements' EXISTS), one pass over the table.
    SqliteStatement consent(m_db,
                            QStringLiteral("SELECT person_id FROM consent WHERE purpose = 'health_followup' "
                                           "AND given = ?"),
                            {true});
    while (consent.next()) {
        const std::ptrdiff_t i = result.find(consent.int64(0));
        if (i >= 0)
            all[std::size_t(i)].consent = true;
    }
    return result;
}

std::ptrdiff_t CohortQueries::Members::find(qint64 id) const
{
    if (!m_slots.empty()) {
        const qint64 at = id - m_first;
        return at < 0 || at >= qint64(m_slots.size()) ? -1 : m_slots[std::size_t(at)];
    }
    const auto found = m_sparse.find(id);
    return found == m_sparse.end() ? -1 : std::ptrdiff_t(found->second);
}

void CohortQueries::healthInMemory(const CohortFilter& f, CohortRaw& raw,
                                   const std::vector<std::pair<QString, int>>& waves, bool pairs,
                                   const Members& members, std::vector<std::uint8_t>* sealedRows) const
{
    // SQLite: what the statements of health() count (the PostgreSQL path, and SQLite's under
    // setHealthInSql()), from three reads in table order through SQLite's own API: the cohort's members
    // (their wave date and follow-up consent), then every checkup and questionnaire dated on or before `to`,
    // matched to the members in memory. The statements grow with the records (a seek per record in person
    // and household, a sorted union of every record's person and wave): 2 s of the summary's 2.5 at 100,000
    // households with every member followed.
    const StatementClock clock(QStringLiteral("health_records"));
    // What each member's M0 and M6 records hold (clear databases).
    struct Values
    {
        bool q0 = false, q6 = false, c0 = false, c6 = false;
        std::array<int, 3> r0{-1, -1, -1}, r6{-1, -1, -1}; // ranks of the three frequencies, M0 and M6
        int discovered = -1;                               // M6: -1 NULL, 0 no, 1 yes
        std::optional<double> bmi0, bmi6;
    };
    std::vector<Values> values(members.size());
    // The (member, wave) pairs with a record, each once (checkup or questionnaire), for the waves asked.
    std::vector<QByteArray> codes;
    for (const auto& w : waves)
        codes.push_back(w.first.toUtf8());
    std::vector<char> done(members.size() * codes.size(), 0);
    const auto recordOf = [&](qint64 personId, QByteArrayView wave) -> Values* {
        const std::ptrdiff_t i = members.find(personId);
        if (i < 0)
            return nullptr;
        for (std::size_t w = 0; w < codes.size(); ++w)
            if (wave == QByteArrayView(codes[w]))
                done[std::size_t(i) * codes.size() + w] = 1;
        return &values[std::size_t(i)];
    };
    // Dated on or before `to`: compared here (SQLite would convert `to` to a number for each row, the date
    // columns having numeric affinity).
    const int toDay = dayNumber(f.to);
    // A checkup's or questionnaire's row (person, wave, date first): its member's values when it is dated on
    // or before `to` and of the wave M0 (m0 set) or M6, null otherwise (its follow-up wave marked done when
    // dated and a member's).
    const auto pairRecord = [&](const SqliteStatement& q, bool& m0) -> Values* {
        if (!onOrBefore(dayNumber(q.text(2)), toDay))
            return nullptr;
        const QByteArrayView wave = q.text(1);
        Values* m = recordOf(q.int64(0), wave);
        m0 = wave == QByteArrayView("M0");
        return m && (m0 || wave == QByteArrayView("M6")) ? m : nullptr;
    };
    {
        SqliteStatement q(
            m_db, QStringLiteral("SELECT person_id, wave, taken_on, weight_g, height_mm FROM checkup"));
        while (q.next()) {
            bool m0 = false;
            Values* m = pairRecord(q, m0);
            if (!m)
                continue;
            (m0 ? m->c0 : m->c6) = true;
            if (pairs && !q.isNull(3) && !q.isNull(4)) {
                const double height = double(q.int64(4));
                (m0 ? m->bmi0 : m->bmi6) = double(q.int64(3)) * 1000.0 / (height * height);
            }
        }
    }
    {
        SqliteStatement q(
            m_db, QStringLiteral("SELECT person_id, wave, answered_on, organic_fv_freq, local_products_freq, "
                                 "organic_products_freq, discovered_sustainable_shop FROM "
                                 "diet_questionnaire"));
        while (q.next()) {
            bool m0 = false;
            Values* m = pairRecord(q, m0);
            if (!m)
                continue;
            (m0 ? m->q0 : m->q6) = true;
            if (!pairs)
                continue;
            std::array<int, 3>& r = m0 ? m->r0 : m->r6;
            for (int i = 0; i < 3; ++i)
                r[std::size_t(i)] = rankOf(q.text(3 + i));
            if (!m0)
                m->discovered = q.isNull(6) ? -1 : (q.int64(6) == 1 ? 1 : 0);
        }
    }
    if (sealedRows) {
        // The cohort_health rows that can count (SealedPerson): both checkups of a pair, the M6 questionnaire
        // (the discovered shop), the M0 one when the M6 one is there.
        sealedRows->assign(members.size(), 0);
        for (std::size_t i = 0; i < members.size(); ++i) {
            const Values& v = values[i];
            std::uint8_t& wanted = (*sealedRows)[i];
            if (v.c0 && v.c6)
                wanted |= kCheckupM0 | kCheckupM6;
            if (v.q6)
                wanted |= kQuestionnaireM6 | (v.q0 ? kQuestionnaireM0 : 0);
        }
    }
    if (pairs) {
        for (const Values& m : values) {
            if (m.q0 && m.q6) {
                ++raw.questionnairePairs;
                const auto up = [&](std::size_t i) {
                    return m.r0[i] >= 0 && m.r6[i] >= 0 && m.r6[i] > m.r0[i];
                };
                raw.organicFvIncreased += up(0) ? 1 : 0;
                raw.localProductsIncreased += up(1) ? 1 : 0;
                raw.organicProductsIncreased += up(2) ? 1 : 0;
            }
            if (m.q6 && m.discovered >= 0) {
                ++raw.discoveredAnswered;
                raw.discoveredYes += m.discovered;
            }
            if (m.c0 && m.c6 && m.bmi0 && m.bmi6) {
                ++raw.checkupPairs;
                raw.bmiChangeSum += *m.bmi6 - *m.bmi0;
            }
        }
    }
    // Follow-up completion per wave: members with the follow-up consent whose wave date is on or before
    // `to` minus the wave's offset; done when they have a record of that wave.
    for (std::size_t w = 0; w < waves.size(); ++w) {
        CohortRaw::Wave result;
        result.wave = waves[w].first;
        const int dueBy = dayNumber(f.to.addDays(-waves[w].second));
        for (std::size_t i = 0; i < members.size(); ++i) {
            const Members::Member& m = members.at(i);
            if (!m.consent || !onOrBefore(m.due, dueBy))
                continue;
            ++result.expected;
            result.done += done[i * codes.size() + w];
        }
        raw.waves.push_back(result);
    }
}

void CohortQueries::health(const CohortFilter& f, CohortRaw& raw,
                           const std::vector<std::pair<QString, int>>& waves) const
{
    if (m_db.backend() == Backend::Sqlite && !healthInSql.load()) {
        const bool sealed = Sealed::coversHealth(m_db);
        const Members cohortMembers = members(f);
        std::vector<std::uint8_t> sealedRows;
        healthInMemory(f, raw, waves, !sealed, cohortMembers, sealed ? &sealedRows : nullptr);
        if (sealed)
            sealedPairs(f, raw, &cohortMembers, &sealedRows);
        return;
    }
    // The M0/M6 questionnaire pairs, the M6 answers on discovering a shop and the M0/M6 checkup pairs in one
    // pass over the cohort's members (one questionnaire and one checkup per person and wave: unique keys, so
    // each LEFT JOIN adds at most one row per person).
    if (Sealed::coversHealth(m_db))
        sealedPairs(f, raw);
    else {
        const StatementClock clock(QStringLiteral("health_pairs"));
        Sql s = with(f);
        // Bound in text order.
        const QVariant to = day(f.to);
        const QString pair = QStringLiteral("q0.answered_on <= ? AND q6.answered_on <= ?");
        const QString measuredPair = QStringLiteral(
            "c0.taken_on <= ? AND c6.taken_on <= ? AND c0.weight_g IS NOT NULL AND c0.height_mm IS "
            "NOT NULL AND c6.weight_g IS NOT NULL AND c6.height_mm IS NOT NULL");
        const QString bmi = QStringLiteral(
            "(CAST(%1.weight_g AS DOUBLE PRECISION) * 1000.0 / "
            "(CAST(%1.height_mm AS DOUBLE PRECISION) * CAST(%1.height_mm AS DOUBLE PRECISION)))");
        auto up = [&](const QString& column) {
            return QStringLiteral("COALESCE(SUM(CASE WHEN %1 AND %2 > %3 THEN 1 ELSE 0 END), 0)")
                .arg(pair, rank(QStringLiteral("q6.") + column), rank(QStringLiteral("q0.") + column));
        };
        QString select =
            QStringLiteral("SELECT COALESCE(SUM(CASE WHEN %1 THEN 1 ELSE 0 END), 0), ").arg(pair);
        s.values << to << to;
        for (const char* column : {"organic_fv_freq", "local_products_freq", "organic_products_freq"}) {
            select += up(QLatin1String(column)) + QStringLiteral(", ");
            s.values << to << to;
        }
        select += QStringLiteral("COALESCE(SUM(CASE WHEN q6.answered_on <= ? AND "
                                 "q6.discovered_sustainable_shop IS NOT NULL THEN 1 "
                                 "ELSE 0 END), 0), COALESCE(SUM(CASE WHEN q6.answered_on <= ? AND "
                                 "q6.discovered_sustainable_shop = ? "
                                 "THEN 1 ELSE 0 END), 0), ");
        s.values << to << to << true;
        select +=
            QStringLiteral("COALESCE(SUM(CASE WHEN %1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN %1 "
                           "THEN %2 - %3 ELSE 0 END), 0) ")
                .arg(measuredPair, bmi.arg(QStringLiteral("c6")), bmi.arg(QStringLiteral("c0")));
        s.values << to << to << to << to;
        QSqlQuery q = run(
            QStringLiteral("health_pairs"),
            s.text + select +
                QStringLiteral("FROM cohort_person p "
                               "LEFT JOIN diet_questionnaire q0 ON q0.person_id = p.id AND q0.wave = 'M0' "
                               "LEFT JOIN diet_questionnaire q6 ON q6.person_id = p.id AND q6.wave = 'M6' "
                               "LEFT JOIN checkup c0 ON c0.person_id = p.id AND c0.wave = 'M0' "
                               "LEFT JOIN checkup c6 ON c6.person_id = p.id AND c6.wave = 'M6'"),
            s.values);
        if (q.next()) {
            raw.questionnairePairs = num(q, 0);
            raw.organicFvIncreased = num(q, 1);
            raw.localProductsIncreased = num(q, 2);
            raw.organicProductsIncreased = num(q, 3);
            raw.discoveredAnswered = num(q, 4);
            raw.discoveredYes = num(q, 5);
            raw.checkupPairs = num(q, 6);
            raw.bmiChangeSum = q.value(7).toDouble();
        }
    }
    // Follow-up completion: members who gave health follow-up consent and whose wave date (enrolment, or
    // arrival when later, plus the wave's offset) falls on or before `to`; done when a checkup or a
    // questionnaire of that wave is dated on or before `to`. Several waves per statement (a fixed number of
    // slots, so that the text is fixed; an empty slot counts nothing), so that each member's consent and wave
    // date are looked up once for all of them. "Done" is counted from the records: the (person, wave) pairs
    // of checkups and questionnaires (each pair once), joined to the members who count (one row per person).
    constexpr size_t kWaveSlots = 4;
    for (size_t first = 0; first < waves.size(); first += kWaveSlots) {
        const StatementClock clock(QStringLiteral("followup_waves_") + waves[first].first);
        Sql s = with(f);
        s.text = s.text.trimmed();
        s.values << day(f.to) << day(f.from) << true;
        s.text +=
            QStringLiteral(
                ", fp AS (SELECT CASE WHEN p.arrived_on IS NOT NULL AND p.arrived_on > h.enrolled_on "
                "THEN p.arrived_on ELSE h.enrolled_on END AS due_on FROM household h CROSS JOIN "
                "person p WHERE h.id IN (SELECT id FROM cohort) AND p.household_id = h.id AND ") +
            memberCondition() +
            QStringLiteral(" AND EXISTS (SELECT 1 FROM consent k WHERE k.person_id = p.id AND k.purpose = "
                           "'health_followup' AND k.given = ?)) ");
        QStringList columns;
        for (size_t i = first; i < first + kWaveSlots; ++i) {
            const bool used = i < waves.size();
            const QVariant code = used ? QVariant(waves[i].first) : QVariant(QMetaType(QMetaType::QString));
            const QVariant dueBy = day(used ? f.to.addDays(-waves[i].second) : QDate());
            columns << QStringLiteral(
                           "COALESCE(SUM(CASE WHEN x.done = 0 AND x.due_on <= ? THEN 1 ELSE 0 END), 0)")
                    << QStringLiteral(
                           "COALESCE(SUM(CASE WHEN x.done = 1 AND x.wave = ? AND x.due_on <= ? THEN 1 "
                           "ELSE 0 END), 0)");
            s.values << dueBy << code << dueBy;
        }
        // The records drive the second part (CROSS JOIN: the planners keep that order): a member with no
        // record costs nothing there.
        s.values << day(f.to) << day(f.to) << day(f.to) << day(f.from) << true;
        QSqlQuery q =
            run(QStringLiteral("followup_waves"),
                s.text + QStringLiteral("SELECT ") + columns.join(QStringLiteral(", ")) +
                    QStringLiteral(
                        " FROM (SELECT fp.due_on AS due_on, 0 AS done, CAST(NULL AS TEXT) AS wave FROM fp "
                        "UNION ALL SELECT CASE WHEN p.arrived_on IS NOT NULL AND p.arrived_on > "
                        "h.enrolled_on THEN p.arrived_on ELSE h.enrolled_on END, 1, r.wave FROM (SELECT "
                        "person_id, wave FROM checkup WHERE taken_on <= ? UNION SELECT person_id, wave FROM "
                        "diet_questionnaire WHERE answered_on <= ?) r CROSS JOIN person p CROSS JOIN "
                        "household h WHERE p.id = r.person_id AND h.id = p.household_id AND "
                        "p.household_id IN (SELECT id FROM cohort) AND ") +
                    memberCondition() +
                    QStringLiteral(
                        " AND EXISTS (SELECT 1 FROM consent k WHERE k.person_id = p.id AND k.purpose = "
                        "'health_followup' AND k.given = ?)) x"),
                s.values);
        const bool row = q.next();
        for (size_t i = first; i < std::min(waves.size(), first + kWaveSlots); ++i) {
            CohortRaw::Wave w;
            w.wave = waves[i].first;
            if (row) {
                w.expected = num(q, int(2 * (i - first)));
                w.done = num(q, int(2 * (i - first) + 1));
            }
            raw.waves.push_back(w);
        }
    }
}

void CohortQueries::workshops(const CohortFilter& f, CohortRaw& raw) const
{
    if (!hasWorkshops())
        return;
    {
        const StatementClock clock(QStringLiteral("workshop_sessions"));
        QSqlQuery q = run(QStringLiteral("workshop_sessions"),
                          QStringLiteral("SELECT w.workshop_type, COUNT(*) FROM workshop w "
                                         "WHERE w.held_on >= ? AND w.held_on <= ? AND w.cancelled_on IS NULL "
                                         "GROUP BY w.workshop_type ORDER BY w.workshop_type"),
                          {day(f.from), day(f.to)});
        while (q.next()) {
            CohortRaw::WorkshopType t;
            t.type = q.value(0).toString();
            t.sessions = num(q, 1);
            raw.workshopSessions += t.sessions;
            raw.workshopTypes.push_back(t);
        }
    }
    Sql s = with(f);
    s.values << true << day(f.from) << day(f.to);
    const QString attended =
        QStringLiteral("FROM workshop_registration r JOIN workshop w ON w.id = r.workshop_id "
                       "JOIN cohort_person p ON p.id = r.person_id "
                       "WHERE r.status = 'registered' AND r.attended = ? AND w.cancelled_on IS NULL "
                       "AND w.held_on >= ? AND w.held_on <= ? ");
    {
        const StatementClock clock(QStringLiteral("workshop_attendance"));
        QSqlQuery q = run(
            QStringLiteral("workshop_attendance"),
            s.text + QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT p.household_id) ") + attended, s.values);
        if (q.next()) {
            raw.workshopAttendances = num(q, 0);
            raw.householdsAttending = num(q, 1);
        }
    }
    {
        const StatementClock clock(QStringLiteral("workshop_types"));
        QSqlQuery q = run(QStringLiteral("workshop_types"),
                          s.text + QStringLiteral("SELECT w.workshop_type, COUNT(*) ") + attended +
                              QStringLiteral("GROUP BY w.workshop_type"),
                          s.values);
        while (q.next())
            for (CohortRaw::WorkshopType& t : raw.workshopTypes)
                if (t.type == q.value(0).toString())
                    t.attendances = num(q, 1);
    }
}

void CohortQueries::ledger(const CohortFilter& f, CohortRaw& raw, qint64 allHouseholds) const
{
    if (!hasLedger())
        return;
    // Posted entries of cohort households whose local date is in the period; spending is purchases (negative
    // amounts) and refunds (positive) with the sign turned; "sustainable" is
    // LedgerRepository::sustainableSql().
    //
    // Speed (10 million entries, docs/cohort.md): the whole months of the period are read from the figures
    // kept per household and month (migration 0010: ledger_month_figures, ledger_category_figures,
    // ledger_merchant_figures), a partial first or last month from the entries (the covering index
    // ledger_entry_household_month_idx, one seek per household and partial month). CROSS JOIN keeps SQLite's
    // loops in order (households outer). The statements do not depend on which months are whole: the months
    // are parameters (none: an empty range, month 0), so that on PostgreSQL they run as fixed functions.
    const bool figures = hasFigures();
    const bool kept = figures && hasKeptTotals();
    if (figures) {
        const StatementClock clock(QStringLiteral("ledger_refresh_figures"));
        LedgerRepository(m_db).refreshFigures();
    }
    auto monthOfDate = [](const QDate& d) { return d.year() * 100 + d.month(); };
    const int fromMonth = monthOfDate(f.from);
    const int toMonth = monthOfDate(f.to);
    int wholeFrom = f.from.day() == 1 ? fromMonth : monthOfDate(f.from.addMonths(1));
    int wholeTo = f.to.day() == f.to.daysInMonth() ? toMonth : monthOfDate(f.to.addMonths(-1));
    if (!figures || wholeFrom > wholeTo) {
        wholeFrom = 1; // no whole month: an empty range
        wholeTo = 0;
    }
    const bool firstWhole = fromMonth >= wholeFrom && fromMonth <= wholeTo;
    const bool lastWhole = toMonth >= wholeFrom && toMonth <= wholeTo;
    // Entries are read in the months of the period that are not whole (the first and the last, at most; all
    // of them on a database without figures).
    // The first parameter is 0 when every month is whole: the planners then skip the entries altogether (a
    // condition on parameters only is tested once, before the loops).
    const QString partial =
        figures
            ? QStringLiteral("CAST(? AS INTEGER) = 1 AND e.status = 'posted' AND e.local_month IN (?, ?) AND "
                             "e.local_date >= ? AND e.local_date <= ? ")
            : QStringLiteral("e.status = 'posted' AND +e.local_month >= ? AND +e.local_month <= ? AND "
                             "e.local_date >= ? AND e.local_date <= ? ");
    auto partialValues = [&](QVariantList& values) {
        if (figures)
            values << ((firstWhole && lastWhole) ? 0 : 1) << (firstWhole ? 0 : fromMonth)
                   << (lastWhole ? 0 : toMonth);
        else
            values << fromMonth << toMonth;
        values << day(f.from) << day(f.to);
    };
    const QString sustainable = LedgerRepository::sustainableSql();
    const QString spending = QStringLiteral("kind IN ('purchase', 'refund')");
    const QString whole =
        QStringLiteral("f.household_id = c.id AND f.local_month >= ? AND f.local_month <= ?");
    auto wholeValues = [&](QVariantList& values) { values << wholeFrom << wholeTo; };
    // With the totals of migration 0014, the whole months of a cohort that holds most households are read as
    // the totals over every household minus the figures of the (few) households outside the cohort.
    const bool complement = kept && allHouseholds - raw.households <= raw.households;

    // The figures of whole months are read in their key order, household after household (the households of
    // the cohort looked up by id in order: `household hh ... hh.id IN (SELECT id FROM cohort)`), so that the
    // grouping per household needs no sort; the partial months' entries are grouped per household, month and
    // kind (index order) then per household and month (`pm`, few rows). Whole and partial months are distinct
    // months: the month series is the partial months' rows and the figures grouped by month side by side; the
    // period's totals are per household first (for the household counts), both parts together.
    const QString cohortFigures =
        QStringLiteral("FROM household hh CROSS JOIN %1 f WHERE hh.id IN (SELECT id "
                       "FROM cohort) AND f.household_id = hh.id AND f.local_month >= ? "
                       "AND f.local_month <= ? ");
    {
        const StatementClock clock(QStringLiteral("ledger_months"));
        Sql s = with(f);
        s.text = s.text.trimmed();
        partialValues(s.values);
        s.text +=
            QStringLiteral(
                ", hmk AS (SELECT c.id AS hid, e.local_month AS month, e.kind AS kind, "
                "SUM(e.amount_cents) AS amount, "
                "SUM(CASE WHEN e.kind IN ('purchase', 'refund') THEN %1 * e.amount_cents ELSE 0 END) "
                "AS sustainable_amount, "
                "SUM(CASE WHEN e.kind IN ('purchase', 'refund') THEN %1 ELSE 0 END) AS sustainable_entries "
                "FROM cohort c CROSS JOIN ledger_entry e WHERE e.household_id = c.id AND %2"
                "GROUP BY c.id, e.local_month, e.kind), "
                "pm AS (SELECT hid, month, "
                "SUM(CASE WHEN kind = 'allowance' THEN amount ELSE 0 END) AS allowance, "
                "SUM(CASE WHEN kind = 'bonus' THEN amount ELSE 0 END) AS bonus, "
                "SUM(CASE WHEN %3 THEN -amount ELSE 0 END) AS spent, "
                "SUM(CASE WHEN %3 THEN -sustainable_amount ELSE 0 END) AS sustainable, "
                "MAX(CASE WHEN kind = 'allowance' THEN 1 ELSE 0 END) AS has_allowance, "
                "MAX(CASE WHEN kind = 'bonus' THEN 1 ELSE 0 END) AS has_bonus, "
                "MAX(CASE WHEN %3 THEN 1 ELSE 0 END) AS has_spending, "
                "MAX(CASE WHEN %3 AND sustainable_entries > 0 THEN 1 ELSE 0 END) AS has_sustainable, "
                "MAX(CASE WHEN kind = 'purchase' THEN 1 ELSE 0 END) AS has_purchase "
                "FROM hmk GROUP BY hid, month)")
                .arg(sustainable, partial, spending);
        // Per figure row (one household and month): whether it had an allowance, a bonus, spending,
        // sustainable spending, a purchase.
        const QStringList flags = {QStringLiteral("(CASE WHEN f.allowance_entries > 0 THEN 1 ELSE 0 END)"),
                                   QStringLiteral("(CASE WHEN f.bonus_entries > 0 THEN 1 ELSE 0 END)"),
                                   QStringLiteral("(CASE WHEN f.spending_entries > 0 THEN 1 ELSE 0 END)"),
                                   QStringLiteral("(CASE WHEN f.sustainable_entries > 0 THEN 1 ELSE 0 END)"),
                                   QStringLiteral("(CASE WHEN f.purchase_entries > 0 THEN 1 ELSE 0 END)")};
        QString households = QStringLiteral(
            "SELECT hid, allowance, bonus, spent, sustainable, has_allowance, has_bonus, has_spending, "
            "has_sustainable, has_purchase FROM pm");
        if (kept) {
            // Per household, its running totals (migration 0014) at its last month with figures up to the
            // period's last whole month, minus those before the first whole month: two rows per household
            // (none when it has no figures in the whole months).
            s.values << wholeTo << wholeFrom << wholeFrom;
            const QString last = QStringLiteral(
                "(SELECT MAX(r.local_month) FROM ledger_month_running r WHERE r.household_id = hh.id AND "
                "r.local_month %1 ?)");
            const QString diff = QStringLiteral("b.%1 - COALESCE(a.%1, 0)");
            const QString flag = QStringLiteral("CASE WHEN b.%1 > COALESCE(a.%1, 0) THEN 1 ELSE 0 END");
            s.text +=
                QStringLiteral(", hk AS MATERIALIZED (SELECT hh.id AS hid, %1 AS last_month, %2 AS "
                               "before_month FROM household hh WHERE hh.id IN (SELECT id FROM cohort)), ")
                    .arg(last.arg(QStringLiteral("<=")), last.arg(QStringLiteral("<"))) +
                QStringLiteral("fh AS NOT MATERIALIZED (SELECT hk.hid AS hid, %1 AS allowance, %2 AS bonus, "
                               "%3 AS spent, "
                               "%4 AS sustainable, ")
                    .arg(diff.arg(QStringLiteral("allowance_cents")), diff.arg(QStringLiteral("bonus_cents")),
                         diff.arg(QStringLiteral("spent_cents")),
                         diff.arg(QStringLiteral("sustainable_cents"))) +
                QStringLiteral("%1 AS has_allowance, %2 AS has_bonus, %3 AS has_spending, %4 AS "
                               "has_sustainable, %5 AS has_purchase ")
                    .arg(flag.arg(QStringLiteral("allowance_entries")),
                         flag.arg(QStringLiteral("bonus_entries")),
                         flag.arg(QStringLiteral("spending_entries")),
                         flag.arg(QStringLiteral("sustainable_entries")),
                         flag.arg(QStringLiteral("purchase_entries"))) +
                QStringLiteral("FROM hk CROSS JOIN ledger_month_running b LEFT JOIN ledger_month_running a "
                               "ON a.household_id = hk.hid AND a.local_month = hk.before_month "
                               "WHERE hk.last_month >= ? AND b.household_id = hk.hid AND b.local_month = "
                               "hk.last_month)");
            households += QStringLiteral(" UNION ALL SELECT hid, allowance, bonus, spent, sustainable, "
                                         "has_allowance, has_bonus, has_spending, has_sustainable, "
                                         "has_purchase FROM fh");
        } else if (figures) {
            wholeValues(s.values);
            s.text += QStringLiteral(", fh AS (SELECT hh.id AS hid, SUM(f.allowance_cents) AS allowance, "
                                     "SUM(f.bonus_cents) AS bonus, SUM(f.spent_cents) AS spent, "
                                     "SUM(f.sustainable_cents) AS sustainable, MAX%1 AS has_allowance, "
                                     "MAX%2 AS has_bonus, MAX%3 AS has_spending, MAX%4 AS has_sustainable, "
                                     "MAX%5 AS has_purchase ")
                          .arg(flags[0], flags[1], flags[2], flags[3], flags[4]) +
                      cohortFigures.arg(QStringLiteral("ledger_month_figures")) +
                      QStringLiteral("GROUP BY hh.id)");
            households += QStringLiteral(" UNION ALL SELECT hid, allowance, bonus, spent, sustainable, "
                                         "has_allowance, has_bonus, has_spending, has_sustainable, "
                                         "has_purchase FROM fh");
        }
        s.text += QStringLiteral(
                      ", h AS (SELECT hid, SUM(allowance) AS allowance, SUM(bonus) AS bonus, SUM(spent) AS "
                      "spent, SUM(sustainable) AS sustainable, MAX(has_allowance) AS has_allowance, "
                      "MAX(has_bonus) AS has_bonus, MAX(has_spending) AS has_spending, "
                      "MAX(has_sustainable) AS has_sustainable, MAX(has_purchase) AS has_purchase "
                      "FROM (%1) x GROUP BY hid) ")
                      .arg(households);
        const QString sums = QStringLiteral(
            "CAST(COALESCE(SUM(allowance), 0) AS BIGINT), CAST(COALESCE(SUM(bonus), 0) AS BIGINT), "
            "CAST(COALESCE(SUM(spent), 0) AS BIGINT), CAST(COALESCE(SUM(sustainable), 0) AS BIGINT), "
            "COUNT(*), COALESCE(SUM(has_allowance), 0), COALESCE(SUM(has_bonus), 0), "
            "COALESCE(SUM(has_spending), 0), COALESCE(SUM(has_sustainable), 0), "
            "COALESCE(SUM(has_purchase), 0)");
        QString select =
            QStringLiteral("SELECT 0, %1 FROM h UNION ALL SELECT month, %1 FROM pm GROUP BY month").arg(sums);
        if (kept) {
            // Without partial months, the period's totals are fh's as they are (one row per household
            // already): the regrouping per household of `h` is skipped (the parameters choose, tested once
            // before the loops; HAVING drops the other branch's row of empty sums).
            const int partialMonths = (firstWhole && lastWhole) ? 0 : 1;
            select =
                QStringLiteral("SELECT 0, %1 FROM h WHERE CAST(? AS INTEGER) = 1 HAVING CAST(? AS INTEGER) = "
                               "1 UNION ALL SELECT 0, %1 FROM fh WHERE CAST(? AS INTEGER) = 0 HAVING CAST(? "
                               "AS INTEGER) = 0 UNION ALL SELECT month, %1 FROM pm GROUP BY month")
                    .arg(sums);
            s.values << partialMonths << partialMonths << partialMonths << partialMonths;
            // The month series of the whole months: when the cohort holds most households, the month totals
            // (migration 0014) minus the figures of the households outside the cohort (few rows; households
            // are never deleted, entries link to existing households only); else the cohort's figures grouped
            // by month. The first parameter chooses (tested once, before the loops).
            s.values << (complement ? 1 : 0) << wholeFrom << wholeTo << (complement ? 1 : 0) << wholeFrom
                     << wholeTo;
            const QString less = QStringLiteral("CAST(t.%1 - COALESCE(x.%1, 0) AS BIGINT)");
            select +=
                QStringLiteral(
                    " UNION ALL SELECT t.local_month, %1, %2, %3, %4, t.households - COALESCE(x.households, "
                    "0), 0, 0, 0, 0, 0 FROM ledger_month_totals t LEFT JOIN (SELECT f.local_month AS "
                    "local_month, SUM(f.allowance_cents) AS allowance_cents, SUM(f.bonus_cents) AS "
                    "bonus_cents, SUM(f.spent_cents) AS spent_cents, SUM(f.sustainable_cents) AS "
                    "sustainable_cents, COUNT(*) AS households FROM household hh CROSS JOIN "
                    "ledger_month_figures f WHERE CAST(? AS INTEGER) = 1 AND hh.id NOT IN (SELECT id FROM "
                    "cohort) AND f.household_id = hh.id AND f.local_month >= ? AND f.local_month <= ? "
                    "GROUP BY f.local_month) x ON x.local_month = t.local_month WHERE CAST(? AS INTEGER) = "
                    "1 AND t.local_month >= ? AND t.local_month <= ? AND t.households > "
                    "COALESCE(x.households, 0)")
                    .arg(less.arg(QStringLiteral("allowance_cents")), less.arg(QStringLiteral("bonus_cents")),
                         less.arg(QStringLiteral("spent_cents")),
                         less.arg(QStringLiteral("sustainable_cents")));
            s.values << (complement ? 0 : 1);
            wholeValues(s.values);
            select +=
                QStringLiteral(" UNION ALL SELECT f.local_month, "
                               "CAST(COALESCE(SUM(f.allowance_cents), 0) AS BIGINT), "
                               "CAST(COALESCE(SUM(f.bonus_cents), 0) AS BIGINT), "
                               "CAST(COALESCE(SUM(f.spent_cents), 0) AS BIGINT), "
                               "CAST(COALESCE(SUM(f.sustainable_cents), 0) AS BIGINT), COUNT(*), 0, 0, 0, "
                               "0, 0 FROM household hh CROSS JOIN ledger_month_figures f WHERE CAST(? AS "
                               "INTEGER) = 1 AND hh.id IN (SELECT id FROM cohort) AND f.household_id = "
                               "hh.id AND f.local_month >= ? AND f.local_month <= ? GROUP BY f.local_month");
        } else if (figures) {
            wholeValues(s.values);
            QStringList flagSums;
            for (const QString& flag : flags)
                flagSums << QStringLiteral("COALESCE(SUM%1, 0)").arg(flag);
            select += QStringLiteral(" UNION ALL SELECT f.local_month, "
                                     "CAST(COALESCE(SUM(f.allowance_cents), 0) AS BIGINT), "
                                     "CAST(COALESCE(SUM(f.bonus_cents), 0) AS BIGINT), "
                                     "CAST(COALESCE(SUM(f.spent_cents), 0) AS BIGINT), "
                                     "CAST(COALESCE(SUM(f.sustainable_cents), 0) AS BIGINT), COUNT(*), ") +
                      flagSums.join(QStringLiteral(", ")) + QLatin1Char(' ') +
                      cohortFigures.arg(QStringLiteral("ledger_month_figures")) +
                      QStringLiteral("GROUP BY f.local_month");
        }
        QSqlQuery q =
            run(QStringLiteral("ledger_months"), s.text + select + QStringLiteral(" ORDER BY 1"), s.values);
        while (q.next()) {
            const int month = q.value(0).toInt();
            if (month == 0) {
                raw.allowanceCents = num(q, 1);
                raw.bonusCents = num(q, 2);
                raw.spentCents = num(q, 3);
                raw.sustainableSpentCents = num(q, 4);
                raw.allowanceHouseholds = num(q, 6);
                raw.bonusHouseholds = num(q, 7);
                raw.spendingHouseholds = num(q, 8);
                raw.sustainableHouseholds = num(q, 9);
                raw.householdsWithPurchase = num(q, 10);
                continue;
            }
            CohortRaw::Month m;
            m.month = QDate(month / 100, month % 100, 1).toString(QStringLiteral("yyyy-MM"));
            m.allowanceCents = num(q, 1);
            m.bonusCents = num(q, 2);
            m.spentCents = num(q, 3);
            m.sustainableSpentCents = num(q, 4);
            m.households = num(q, 5);
            raw.months.push_back(m);
        }
    }
    // Spending by category: the figures of whole months per household and category in their key order
    // (household, category, month: no sort), the partial months' entries per household and category; a
    // household counts once in a category: a partial months' row counts only when the household has no
    // figures of that category in the whole months.
    {
        const StatementClock clock(QStringLiteral("ledger_categories"));
        Sql s = with(f);
        s.text = s.text.trimmed();
        partialValues(s.values);
        s.text += QStringLiteral(", pc AS (SELECT e.household_id AS hid, "
                                 "COALESCE(NULLIF(e.merchant_category, ''), 'other') AS category, "
                                 "SUM(-e.amount_cents) AS spent "
                                 "FROM cohort c CROSS JOIN ledger_entry e WHERE e.household_id = c.id AND "
                                 "%1AND e.%2 GROUP BY e.household_id, "
                                 "COALESCE(NULLIF(e.merchant_category, ''), 'other'))")
                      .arg(partial, spending);
        QString rows;
        if (kept) {
            // Whole months: the cohort's figures per household and category (fc), or (complement) the
            // category totals minus the figures of the households outside the cohort (ct: a household counts
            // once per category, at its first month of the category in the period); the parameters choose.
            const QString outside = QStringLiteral(
                "FROM household hh CROSS JOIN ledger_category_figures f WHERE CAST(? AS INTEGER) = %1 "
                "AND hh.id %2 (SELECT id FROM cohort) AND f.household_id = hh.id AND f.local_month "
                ">= ? AND f.local_month <= ? GROUP BY hh.id, f.category");
            s.text +=
                QStringLiteral(", fc AS (SELECT hh.id AS hid, f.category AS category, SUM(f.spent_cents) AS "
                               "spent ") +
                outside.arg(QStringLiteral("0"), QStringLiteral("IN")) + QStringLiteral(")");
            s.values << (complement ? 1 : 0);
            wholeValues(s.values);
            s.text +=
                QStringLiteral(
                    ", ct AS (SELECT category, SUM(spent) AS spent, SUM(households) AS households FROM "
                    "(SELECT "
                    "t.category AS category, t.spent_cents AS spent, CASE WHEN t.prev_month < ? THEN "
                    "t.households ELSE 0 END AS households FROM ledger_category_totals t WHERE CAST(? AS "
                    "INTEGER) = 1 AND t.local_month >= ? AND t.local_month <= ? UNION ALL SELECT f.category, "
                    "-SUM(f.spent_cents), -1 ") +
                outside.arg(QStringLiteral("1"), QStringLiteral("NOT IN")) +
                QStringLiteral(") z GROUP BY category HAVING SUM(households) > 0)");
            s.values << wholeFrom << (complement ? 1 : 0);
            wholeValues(s.values);
            s.values << (complement ? 1 : 0);
            wholeValues(s.values);
            wholeValues(s.values);
            rows = QStringLiteral(
                "SELECT category, spent, 1 AS counted FROM fc UNION ALL SELECT category, spent, households "
                "FROM "
                "ct UNION ALL SELECT pc.category, pc.spent, CASE WHEN EXISTS (SELECT 1 FROM "
                "ledger_category_figures x WHERE x.household_id = pc.hid AND x.category = pc.category AND "
                "x.local_month >= ? AND x.local_month <= ?) THEN 0 ELSE 1 END FROM pc");
        } else if (figures) {
            wholeValues(s.values);
            s.text += QStringLiteral(", fc AS (SELECT hh.id AS hid, f.category AS category, "
                                     "SUM(f.spent_cents) AS spent ") +
                      cohortFigures.arg(QStringLiteral("ledger_category_figures")) +
                      QStringLiteral("GROUP BY hh.id, f.category)");
            wholeValues(s.values);
            rows = QStringLiteral(
                "SELECT category, spent, 1 AS counted FROM fc UNION ALL SELECT pc.category, pc.spent, "
                "CASE WHEN EXISTS (SELECT 1 FROM ledger_category_figures x WHERE x.household_id = pc.hid "
                "AND x.category = pc.category AND x.local_month >= ? AND x.local_month <= ?) THEN 0 ELSE 1 "
                "END FROM pc");
        } else {
            rows = QStringLiteral("SELECT category, spent, 1 AS counted FROM pc");
        }
        QSqlQuery q =
            run(QStringLiteral("ledger_categories"),
                s.text + QStringLiteral(" SELECT category, CAST(SUM(spent) AS BIGINT), "
                                        "CAST(SUM(counted) AS BIGINT) FROM (%1) y GROUP BY category "
                                        "ORDER BY category")
                             .arg(rows),
                s.values);
        while (q.next()) {
            CohortRaw::Category c;
            c.category = q.value(0).toString();
            c.spentCents = num(q, 1);
            c.households = num(q, 2);
            raw.categories.push_back(c);
        }
    }
    // The sustainable merchants paid: each merchant of the figures (found by a skip scan of their merchant
    // index) is looked up once for a cohort household in the whole months; the partial months' entries add
    // theirs.
    {
        const StatementClock clock(QStringLiteral("ledger_merchants"));
        Sql s = with(f);
        partialValues(s.values);
        QString paid = QStringLiteral("SELECT e.merchant_id AS id FROM cohort c CROSS JOIN ledger_entry e "
                                      "WHERE e.household_id = c.id AND e.kind = 'purchase' AND %1 = 1 AND %2")
                           .arg(sustainable, partial);
        if (figures) {
            s.text.replace(0, 5, QStringLiteral("WITH RECURSIVE "));
            s.text =
                s.text.trimmed() +
                QStringLiteral(", ms(id) AS (SELECT MIN(merchant_id) FROM ledger_merchant_figures "
                               "UNION ALL SELECT (SELECT MIN(x.merchant_id) FROM ledger_merchant_figures x "
                               "WHERE x.merchant_id > ms.id) FROM ms WHERE ms.id IS NOT NULL) ");
            wholeValues(s.values);
            paid += QStringLiteral(
                "UNION SELECT ms.id FROM ms WHERE ms.id IS NOT NULL AND EXISTS (SELECT 1 FROM "
                "ledger_merchant_figures x WHERE x.merchant_id = ms.id AND x.local_month >= ? AND "
                "x.local_month <= ? AND x.household_id IN (SELECT id FROM cohort))");
        } else {
            paid = QStringLiteral("SELECT DISTINCT id FROM (%1) p").arg(paid);
        }
        QSqlQuery q = run(QStringLiteral("ledger_merchants"),
                          s.text + QStringLiteral("SELECT COUNT(*) FROM (%1) paid").arg(paid), s.values);
        if (q.next())
            raw.sustainableMerchantsPaid = num(q, 0);
    }
}

} // namespace cabas::store

namespace cabas::store {

QStringList CohortQueries::traceableKeys()
{
    return {QStringLiteral("households_enrolled"),
            QStringLiteral("persons_enrolled"),
            QStringLiteral("adults"),
            QStringLiteral("children"),
            QStringLiteral("cards_used_pct"),
            QStringLiteral("allowance_cents"),
            QStringLiteral("bonus_cents"),
            QStringLiteral("spent_cents"),
            QStringLiteral("sustainable_spent_cents"),
            QStringLiteral("sustainable_spend_pct"),
            QStringLiteral("sustainable_merchants_paid"),
            QStringLiteral("questionnaire_pairs"),
            QStringLiteral("organic_fv_increase_pct"),
            QStringLiteral("local_products_increase_pct"),
            QStringLiteral("organic_products_increase_pct"),
            QStringLiteral("discovered_sustainable_shop_pct"),
            QStringLiteral("checkup_pairs"),
            QStringLiteral("mean_bmi_change"),
            QStringLiteral("workshop_attendances"),
            QStringLiteral("households_attending_workshop_pct")};
}

struct CohortQueries::SealedPerson
{
    qint64 personId = 0;
    QString householdCode;
    QString commune;
    std::optional<HealthSealing::CohortValues> q0, q6, c0, c6;

    bool questionnairePair() const { return q0 && q6; }
    bool checkupPair() const { return c0 && c6 && c0->bmi && c6->bmi; }
    static bool up(const std::optional<int>& before, const std::optional<int>& after)
    {
        return before && after && *after > *before;
    }
};

namespace {
std::atomic<std::size_t> sealedPartRows{16384};
}

std::size_t CohortQueries::setSealedPartRows(std::size_t rows)
{
    return sealedPartRows.exchange(std::max<std::size_t>(1, rows));
}

std::vector<CohortQueries::SealedPerson>
CohortQueries::sealedHealth(const CohortFilter& f, const Members* cohortMembers,
                            const std::vector<std::uint8_t>* rows) const
{
    const StatementClock clock(QStringLiteral("health_sealed"));
    // The records dated on or before `to` of the cohort's members (the rows the clear statements count).
    // Read in this thread (the connection's), opened and parsed in worker threads (most of the cost: up to
    // 4 rows per person), then gathered by person in id order (the sums run in one order whatever the plan).
    struct Row
    {
        qint64 personId = 0;
        qint64 recordId = 0;
        std::size_t household = 0; // in `households`
        bool checkup = false;
        bool m0 = false;
        QByteArray sealed;             // base64 text (PostgreSQL)
        qsizetype at = 0, length = -1; // or its place in the part's `text` (SQLite)
    };
    // Parts of rows, opened in other threads while the next part is read (the connection stays in this
    // thread); small cohorts are opened here in one part.
    struct Part
    {
        std::vector<Row> rows;
        QByteArray text; // the rows' base64 texts one after the other (SQLite: one allocation per part)
        std::vector<HealthSealing::CohortValues> values;
        QByteArrayView sealed(const Row& r) const
        {
            return r.length < 0 ? QByteArrayView(r.sealed)
                                : QByteArrayView(text.constData() + r.at, r.length);
        }
    };
    const std::size_t partRows = sealedPartRows.load();
    const QString checkupSource = QStringLiteral("checkup");
    const QString questionnaireSource = QStringLiteral("questionnaire");
    const QString waveM0 = QStringLiteral("M0");
    const QString waveM6 = QStringLiteral("M6");
    const auto open = [&](Part& part) {
        part.values.resize(part.rows.size());
        for (std::size_t i = 0; i < part.rows.size(); ++i) {
            const Row& r = part.rows[i];
            part.values[i] =
                HealthSealing::openCohort(*m_keys, r.checkup ? checkupSource : questionnaireSource,
                                          r.recordId, r.personId, r.m0 ? waveM0 : waveM6, part.sealed(r));
        }
    };
    std::deque<Part> parts(1); // a deque: a part stays where it is while the next ones are added
    std::optional<Pipeline<Part>> pipeline;
    bool any = false;
    const auto add = [&](Row&& r) {
        if (!any) {
            HealthSealing(m_db, m_keys).requireCohortKey(); // before anything is opened
            any = true;
        }
        parts.back().rows.push_back(std::move(r));
        if (parts.back().rows.size() >= partRows) {
            if (!pipeline)
                pipeline.emplace(open);
            pipeline->submit(parts.back());
            parts.emplace_back();
        }
    };
    std::vector<std::pair<QString, QString>> households; // code and commune
    if (m_db.backend() == Backend::Sqlite) {
        // Through SQLite's own API (Qt's layer would cost more than SQLite's work, and the sealed text stays
        // UTF-8): the cohort's members first (by id), then one pass over cohort_health in its own order, so
        // that SQLite reads the table from start to end instead of seeking each member's rows (half the
        // time at 100,000 households).
        std::optional<Members> read;
        if (!cohortMembers)
            cohortMembers = &read.emplace(members(f));
        // One row per member (migration 17) once they are complete; a database sealed before that version
        // reads the rows per record until a nurse's login writes them.
        if (HealthSealing::cohortPersonsComplete(m_db))
            return sealedPersons(f, *cohortMembers);
        households = cohortMembers->households;
        // Filtered here rather than by SQLite (which would convert `to` to a number for each row).
        const int toDay = dayNumber(f.to);
        SqliteStatement q(m_db,
                          QStringLiteral("SELECT person_id, source, wave, record_id, recorded_on, sealed "
                                         "FROM cohort_health"));
        while (q.next()) {
            const QByteArrayView wave = q.text(2);
            const bool m0 = wave == QByteArrayView("M0");
            if ((!m0 && wave != QByteArrayView("M6")) || !onOrBefore(dayNumber(q.text(4)), toDay))
                continue;
            const std::ptrdiff_t member = cohortMembers->find(q.int64(0));
            if (member < 0)
                continue;
            const bool checkup = q.text(1) == QByteArrayView("checkup");
            if (rows &&
                !((*rows)[std::size_t(member)] &
                  (checkup ? (m0 ? kCheckupM0 : kCheckupM6) : (m0 ? kQuestionnaireM0 : kQuestionnaireM6))))
                continue;
            const Members::Member& m = cohortMembers->at(std::size_t(member));
            Row r;
            r.personId = m.id;
            r.household = m.household;
            r.checkup = checkup;
            r.m0 = m0;
            r.recordId = q.int64(3);
            const QByteArrayView sealed = q.text(5);
            QByteArray& text = parts.back().text;
            r.at = text.size();
            r.length = sealed.size();
            text.append(sealed);
            add(std::move(r));
        }
    } else {
        // PostgreSQL: one statement (run as the function installed for the roles).
        Sql s = with(f);
        s.values << day(f.to);
        QSqlQuery q =
            run(QStringLiteral("health_sealed"),
                s.text + QStringLiteral("SELECT p.id, hh.code, hh.commune, ch.source, ch.wave, ch.record_id, "
                                        "ch.sealed FROM cohort_person p JOIN household hh ON hh.id = "
                                        "p.household_id JOIN cohort_health ch ON ch.person_id = p.id "
                                        "WHERE ch.wave IN ('M0', 'M6') AND ch.recorded_on <= ?"),
                s.values);
        std::unordered_map<qint64, std::size_t> householdOf;
        while (q.next()) {
            Row r;
            r.personId = q.value(0).toLongLong();
            const auto found = householdOf.try_emplace(r.personId, households.size());
            if (found.second)
                households.emplace_back(q.value(1).toString(), q.value(2).toString());
            r.household = found.first->second;
            r.checkup = q.value(3).toString() == QLatin1String("checkup");
            r.m0 = q.value(4).toString() == QLatin1String("M0");
            r.recordId = q.value(5).toLongLong();
            r.sealed = q.value(6).toString().toLatin1();
            add(std::move(r));
        }
    }
    if (!any)
        return {};
    if (pipeline) {
        if (!parts.back().rows.empty())
            pipeline->submit(parts.back());
        pipeline->finish();
    } else {
        open(parts.back());
    }
    // By person, in the order read for each person.
    struct Ref
    {
        const Row* row;
        HealthSealing::CohortValues* values;
    };
    std::vector<Ref> all;
    for (Part& part : parts)
        for (std::size_t i = 0; i < part.rows.size(); ++i)
            all.push_back({&part.rows[i], &part.values[i]});
    std::stable_sort(all.begin(), all.end(),
                     [](const Ref& a, const Ref& b) { return a.row->personId < b.row->personId; });
    std::vector<SealedPerson> result;
    for (const Ref& ref : all) {
        const Row& r = *ref.row;
        if (result.empty() || result.back().personId != r.personId) {
            result.emplace_back();
            result.back().personId = r.personId;
            result.back().householdCode = households[r.household].first;
            result.back().commune = households[r.household].second;
        }
        SealedPerson& p = result.back();
        if (r.checkup)
            (r.m0 ? p.c0 : p.c6) = std::move(*ref.values);
        else
            (r.m0 ? p.q0 : p.q6) = std::move(*ref.values);
    }
    return result;
}

std::vector<CohortQueries::SealedPerson> CohortQueries::sealedPersons(const CohortFilter& f,
                                                                      const Members& cohortMembers) const
{
    // cohort_person_health in table order, the members' rows kept, opened in parts in other threads while the
    // next part is read (as sealedHealth()'s rows per record); then the slots dated on or before `to`.
    struct Row
    {
        std::size_t member = 0;
        qsizetype at = 0, length = 0; // in the part's text
    };
    struct Part
    {
        std::vector<Row> rows;
        QByteArray text;
        std::vector<HealthSealing::CohortPerson> values;
    };
    const auto open = [&](Part& part) {
        part.values.resize(part.rows.size());
        for (std::size_t i = 0; i < part.rows.size(); ++i) {
            const Row& r = part.rows[i];
            part.values[i] =
                HealthSealing::openCohortPerson(*m_keys, cohortMembers.at(r.member).id,
                                                QByteArrayView(part.text.constData() + r.at, r.length));
        }
    };
    const std::size_t partRows = sealedPartRows.load();
    std::deque<Part> parts(1);
    std::optional<Pipeline<Part>> pipeline;
    bool any = false;
    SqliteStatement q(m_db, QStringLiteral("SELECT person_id, sealed FROM cohort_person_health"));
    while (q.next()) {
        const std::ptrdiff_t member = cohortMembers.find(q.int64(0));
        if (member < 0)
            continue;
        if (!any) {
            HealthSealing(m_db, m_keys).requireCohortKey(); // before anything is opened
            any = true;
        }
        Part& part = parts.back();
        const QByteArrayView sealed = q.text(1);
        part.rows.push_back({std::size_t(member), part.text.size(), sealed.size()});
        part.text.append(sealed);
        if (part.rows.size() >= partRows) {
            if (!pipeline)
                pipeline.emplace(open);
            pipeline->submit(part);
            parts.emplace_back();
        }
    }
    if (!any)
        return {};
    if (pipeline) {
        if (!parts.back().rows.empty())
            pipeline->submit(parts.back());
        pipeline->finish();
    } else {
        open(parts.back());
    }
    // In member (id) order.
    const int toDay = dayNumber(f.to);
    std::vector<std::pair<std::size_t, HealthSealing::CohortPerson*>> all;
    for (Part& part : parts)
        for (std::size_t i = 0; i < part.rows.size(); ++i)
            all.emplace_back(part.rows[i].member, &part.values[i]);
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<SealedPerson> result;
    result.reserve(all.size());
    for (const auto& [member, person] : all) {
        const Members::Member& m = cohortMembers.at(member);
        SealedPerson p;
        p.personId = m.id;
        const auto dated = [&](std::optional<HealthSealing::CohortRecord>& r,
                               std::optional<HealthSealing::CohortValues>& into) {
            if (r && onOrBefore(r->day, toDay))
                into = std::move(r->values);
        };
        dated(person->c0, p.c0);
        dated(person->c6, p.c6);
        dated(person->q0, p.q0);
        dated(person->q6, p.q6);
        if (!p.c0 && !p.c6 && !p.q0 && !p.q6)
            continue;
        p.householdCode = cohortMembers.households[m.household].first;
        p.commune = cohortMembers.households[m.household].second;
        result.push_back(std::move(p));
    }
    return result;
}

QStringList CohortQueries::sealedHealthKeys()
{
    return {QStringLiteral("questionnaire_pairs"),
            QStringLiteral("organic_fv_increase_pct"),
            QStringLiteral("local_products_increase_pct"),
            QStringLiteral("organic_products_increase_pct"),
            QStringLiteral("discovered_sustainable_shop_pct"),
            QStringLiteral("checkup_pairs"),
            QStringLiteral("mean_bmi_change")};
}

void CohortQueries::sealedPairs(const CohortFilter& f, CohortRaw& raw, const Members* members,
                                const std::vector<std::uint8_t>* rows) const
{
    // Internal figures are also for roles without the cohort key (social workers, administrators): their
    // report shows the health pairs withheld rather than failing. The list of households behind them is
    // refused (sealedHealth()).
    if (!m_install && (!m_keys || !m_keys->hasCohortKey())) {
        raw.healthWithheld = true;
        return;
    }
    for (const SealedPerson& p : sealedHealth(f, members, rows)) {
        if (p.questionnairePair()) {
            ++raw.questionnairePairs;
            raw.organicFvIncreased += SealedPerson::up(p.q0->organicFv, p.q6->organicFv) ? 1 : 0;
            raw.localProductsIncreased += SealedPerson::up(p.q0->localProducts, p.q6->localProducts) ? 1 : 0;
            raw.organicProductsIncreased +=
                SealedPerson::up(p.q0->organicProducts, p.q6->organicProducts) ? 1 : 0;
        }
        if (p.q6 && p.q6->discovered) {
            ++raw.discoveredAnswered;
            raw.discoveredYes += *p.q6->discovered ? 1 : 0;
        }
        if (p.checkupPair()) {
            ++raw.checkupPairs;
            raw.bmiChangeSum += *p.c6->bmi - *p.c0->bmi;
        }
    }
}

std::vector<CohortHousehold> CohortQueries::sealedHouseholdsBehind(const CohortFilter& f,
                                                                   const QString& key) const
{
    std::map<QString, QString> households; // code -> commune, in code order
    for (const SealedPerson& p : sealedHealth(f)) {
        bool counts = false;
        if (key == QLatin1String("questionnaire_pairs"))
            counts = p.questionnairePair();
        else if (key == QLatin1String("organic_fv_increase_pct"))
            counts = p.questionnairePair() && SealedPerson::up(p.q0->organicFv, p.q6->organicFv);
        else if (key == QLatin1String("local_products_increase_pct"))
            counts = p.questionnairePair() && SealedPerson::up(p.q0->localProducts, p.q6->localProducts);
        else if (key == QLatin1String("organic_products_increase_pct"))
            counts = p.questionnairePair() && SealedPerson::up(p.q0->organicProducts, p.q6->organicProducts);
        else if (key == QLatin1String("discovered_sustainable_shop_pct"))
            counts = p.q6 && p.q6->discovered && *p.q6->discovered;
        else
            counts = p.checkupPair(); // checkup_pairs, mean_bmi_change
        if (counts)
            households.emplace(p.householdCode, p.commune);
    }
    std::vector<CohortHousehold> result;
    for (const auto& [code, commune] : households)
        result.push_back({code, commune});
    return result;
}

std::vector<CohortHousehold> CohortQueries::householdsBehind(const CohortFilter& f, const QString& key) const
{
    if (sealedHealthKeys().contains(key) && Sealed::coversHealth(m_db))
        return sealedHouseholdsBehind(f, key);
    Sql s = with(f);
    QString inner;
    const QString ledgerFrom =
        QStringLiteral("SELECT e.household_id FROM ledger_entry e JOIN cohort c ON c.id = e.household_id "
                       "WHERE e.status = 'posted' AND e.local_date >= ? AND e.local_date <= ? AND ");
    const QString sustainable = LedgerRepository::sustainableSql() + QStringLiteral(" = 1");
    auto ledger = [&](const QString& condition, bool bindsTrue) {
        s.values << day(f.from) << day(f.to);
        if (bindsTrue)
            s.values << true;
        inner = ledgerFrom + condition;
    };
    auto pairs = [&](const QString& table, const QString& column, const QString& condition) {
        s.values << day(f.to) << day(f.to);
        inner = QStringLiteral("SELECT p.household_id FROM cohort_person p "
                               "JOIN %1 r0 ON r0.person_id = p.id AND r0.wave = 'M0' "
                               "JOIN %1 r6 ON r6.person_id = p.id AND r6.wave = 'M6' "
                               "WHERE r0.%2 <= ? AND r6.%2 <= ? ")
                    .arg(table, column) +
                condition;
    };
    const QString measured = QStringLiteral(
        "AND r0.weight_g IS NOT NULL AND r0.height_mm IS NOT NULL AND r6.weight_g IS NOT NULL AND "
        "r6.height_mm IS NOT NULL");
    auto up = [&](const QString& column) {
        return QStringLiteral("AND %1 > %2")
            .arg(rank(QStringLiteral("r6.") + column), rank(QStringLiteral("r0.") + column));
    };
    if (key == QLatin1String("households_enrolled"))
        inner = QStringLiteral("SELECT id FROM cohort");
    else if (key == QLatin1String("persons_enrolled"))
        inner = QStringLiteral("SELECT household_id FROM cohort_person");
    else if (key == QLatin1String("adults") || key == QLatin1String("children")) {
        inner = QStringLiteral("SELECT household_id FROM cohort_person WHERE role = ?");
        s.values << (key == QLatin1String("adults") ? QStringLiteral("adult") : QStringLiteral("child"));
    } else if (key == QLatin1String("cards_used_pct"))
        ledger(QStringLiteral("e.kind = 'purchase'"), false);
    else if (key == QLatin1String("allowance_cents"))
        ledger(QStringLiteral("e.kind = 'allowance'"), false);
    else if (key == QLatin1String("bonus_cents"))
        ledger(QStringLiteral("e.kind = 'bonus'"), false);
    else if (key == QLatin1String("spent_cents"))
        ledger(QStringLiteral("e.kind IN ('purchase', 'refund')"), false);
    else if (key == QLatin1String("sustainable_spent_cents") || key == QLatin1String("sustainable_spend_pct"))
        ledger(QStringLiteral("e.kind IN ('purchase', 'refund') AND ") + sustainable, false);
    else if (key == QLatin1String("sustainable_merchants_paid"))
        ledger(QStringLiteral("e.kind = 'purchase' AND ") + sustainable, false);
    else if (key == QLatin1String("questionnaire_pairs"))
        pairs(QStringLiteral("diet_questionnaire"), QStringLiteral("answered_on"), QString());
    else if (key == QLatin1String("organic_fv_increase_pct"))
        pairs(QStringLiteral("diet_questionnaire"), QStringLiteral("answered_on"),
              up(QStringLiteral("organic_fv_freq")));
    else if (key == QLatin1String("local_products_increase_pct"))
        pairs(QStringLiteral("diet_questionnaire"), QStringLiteral("answered_on"),
              up(QStringLiteral("local_products_freq")));
    else if (key == QLatin1String("organic_products_increase_pct"))
        pairs(QStringLiteral("diet_questionnaire"), QStringLiteral("answered_on"),
              up(QStringLiteral("organic_products_freq")));
    else if (key == QLatin1String("discovered_sustainable_shop_pct")) {
        inner = QStringLiteral("SELECT p.household_id FROM cohort_person p JOIN diet_questionnaire q6 "
                               "ON q6.person_id = p.id AND q6.wave = 'M6' "
                               "WHERE q6.answered_on <= ? AND q6.discovered_sustainable_shop = ?");
        s.values << day(f.to) << true;
    } else if (key == QLatin1String("checkup_pairs") || key == QLatin1String("mean_bmi_change"))
        pairs(QStringLiteral("checkup"), QStringLiteral("taken_on"), measured);
    else if ((key == QLatin1String("workshop_attendances") ||
              key == QLatin1String("households_attending_workshop_pct")) &&
             hasWorkshops()) {
        inner = QStringLiteral(
            "SELECT p.household_id FROM workshop_registration r "
            "JOIN workshop w ON w.id = r.workshop_id JOIN cohort_person p ON p.id = r.person_id "
            "WHERE r.status = 'registered' AND r.attended = ? AND w.cancelled_on IS NULL "
            "AND w.held_on >= ? AND w.held_on <= ?");
        s.values << true << day(f.from) << day(f.to);
    }
    std::vector<CohortHousehold> result;
    if (inner.isEmpty() || (inner.contains(QLatin1String("ledger_entry")) && !hasLedger()))
        return result;
    QSqlQuery q = run(QStringLiteral("behind_") + key,
                      s.text + QStringLiteral("SELECT h.code, h.commune FROM household h WHERE h.id IN (") +
                          inner + QStringLiteral(") ORDER BY h.code"),
                      s.values);
    while (q.next())
        result.push_back({q.value(0).toString(), q.value(1).toString()});
    return result;
}

std::vector<CohortDatasetRow> CohortQueries::dataset(const CohortFilter& f, const QDate& consentDay) const
{
    Sql s = with(f);
    s.values << day(f.from) << day(f.to) << day(f.from) << day(f.to) << day(consentDay) << true;
    QSqlQuery q = run(
        QStringLiteral("dataset"),
        s.text + QStringLiteral(
                     "SELECT p.code, h.code, p.birth_date, p.sex, p.role, h.commune, h.enrolled_on, w.wave, "
                     "c.taken_on, c.weight_g, c.height_mm, c.waist_mm, c.systolic_mmhg, c.diastolic_mmhg, "
                     "d.answered_on, d.fv_portions_x10, d.organic_fv_freq, d.local_products_freq, "
                     "d.organic_products_freq, d.discovered_sustainable_shop, p.id, c.id, d.id "
                     "FROM cohort_person cp JOIN person p ON p.id = cp.id JOIN household h ON h.id = "
                     "p.household_id "
                     "JOIN (SELECT person_id, wave FROM checkup WHERE taken_on >= ? AND taken_on <= ? UNION "
                     "      SELECT person_id, wave FROM diet_questionnaire WHERE answered_on >= ? AND "
                     "answered_on <= ?) w "
                     "  ON w.person_id = p.id "
                     "LEFT JOIN checkup c ON c.person_id = p.id AND c.wave = w.wave "
                     "LEFT JOIN diet_questionnaire d ON d.person_id = p.id AND d.wave = w.wave "
                     "WHERE (SELECT k.given FROM consent k WHERE k.person_id = p.id AND k.purpose = "
                     "'research_export' "
                     "       AND k.effective_on <= ? ORDER BY k.effective_on DESC, k.id DESC LIMIT 1) = ? "
                     "ORDER BY p.code, w.wave"),
        s.values);
    std::vector<CohortDatasetRow> rows;
    std::vector<DatasetIds> ids;
    auto integer = [&](int i, int none) { return q.value(i).isNull() ? none : q.value(i).toInt(); };
    while (q.next()) {
        CohortDatasetRow r;
        r.personCode = q.value(0).toString();
        r.householdCode = q.value(1).toString();
        r.birthDate = toDate(q.value(2));
        r.sex = q.value(3).toString();
        r.role = q.value(4).toString();
        r.commune = q.value(5).toString();
        r.enrolledOn = toDate(q.value(6));
        r.wave = q.value(7).toString();
        r.checkupOn = toDate(q.value(8));
        r.weightG = integer(9, 0);
        r.heightMm = integer(10, 0);
        r.waistMm = integer(11, 0);
        r.systolic = integer(12, 0);
        r.diastolic = integer(13, 0);
        r.questionnaireOn = toDate(q.value(14));
        r.fvPortionsX10 = integer(15, -1);
        r.organicFv = q.value(16).toString();
        r.localProducts = q.value(17).toString();
        r.organicProducts = q.value(18).toString();
        r.discovered = q.value(19).isNull() ? -1 : (q.value(19).toBool() ? 1 : 0);
        rows.push_back(r);
        ids.push_back({q.value(20).toLongLong(), q.value(21).isNull() ? 0 : q.value(21).toLongLong(),
                       q.value(22).isNull() ? 0 : q.value(22).toLongLong()});
    }
    if (!rows.empty() && Sealed::coversHealth(m_db))
        fillSealedDataset(rows, ids);
    return rows;
}

void CohortQueries::fillSealedDataset(std::vector<CohortDatasetRow>& rows,
                                      const std::vector<DatasetIds>& ids) const
{
    HealthSealing(m_db, m_keys).requireCohortKey();
    // The derived values of every record of the rows, from cohort_health (by source and record id).
    std::map<std::pair<QString, qint64>, HealthSealing::CohortValues> values;
    QSqlQuery q = m_db.exec(
        QStringLiteral("SELECT source, record_id, person_id, wave, sealed FROM cohort_health ORDER BY id"));
    std::set<qint64> persons;
    for (const DatasetIds& i : ids)
        persons.insert(i.person);
    while (q.next()) {
        const qint64 person = q.value(2).toLongLong();
        if (!persons.count(person))
            continue;
        const QString source = q.value(0).toString();
        const qint64 record = q.value(1).toLongLong();
        values[{source, record}] = HealthSealing::openCohort(*m_keys, source, record, person,
                                                             q.value(3).toString(), q.value(4).toString());
    }
    auto code = [](const std::optional<int>& rank) {
        return rank && *rank >= 0 && *rank <= int(Frequency::Always) ? toCode(Frequency(*rank)) : QString();
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CohortDatasetRow& r = rows[i];
        const auto checkup = values.find({QStringLiteral("checkup"), ids[i].checkup});
        if (ids[i].checkup != 0 && checkup != values.end())
            r.bmi = checkup->second.bmi;
        const auto answers = values.find({QStringLiteral("questionnaire"), ids[i].questionnaire});
        if (ids[i].questionnaire != 0 && answers != values.end()) {
            r.organicFv = code(answers->second.organicFv);
            r.localProducts = code(answers->second.localProducts);
            r.organicProducts = code(answers->second.organicProducts);
            if (answers->second.discovered)
                r.discovered = *answers->second.discovered ? 1 : 0;
        }
    }
}

} // namespace cabas::store

namespace cabas::store {

QByteArray CohortQueries::pseudonymKey() const
{
    const QString key = QStringLiteral("pseudonym_key");
    QByteArray secret(32, Qt::Uninitialized);
    for (char& c : secret)
        c = char(QRandomGenerator::system()->bounded(256));
    if (m_db.backend() == Backend::Postgres) {
        // With database roles (pg roles), staff logins never see the key's row: the roles allowed the dataset
        // get it through a function that runs with the owner's rights (docs/postgresql.md).
        QSqlQuery f =
            m_db.exec(QStringLiteral("SELECT to_regprocedure('cabas_pseudonym_key(text)') IS NOT NULL"));
        if (f.next() && f.value(0).toBool()) {
            QSqlQuery k = m_db.exec(QStringLiteral("SELECT cabas_pseudonym_key(?)"),
                                    {QString::fromLatin1(secret.toHex())});
            k.next();
            return QByteArray::fromHex(k.value(0).toString().toLatin1());
        }
    }
    QSqlQuery q = m_db.exec(QStringLiteral("SELECT value FROM cabas_meta WHERE key = ?"), {key});
    if (q.next())
        return QByteArray::fromHex(q.value(0).toString().toLatin1());
    // Two first uses at once: the second insert changes nothing and both read the winner's key.
    m_db.exec(
        QStringLiteral("INSERT INTO cabas_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"),
        {key, QString::fromLatin1(secret.toHex())});
    QSqlQuery again = m_db.exec(QStringLiteral("SELECT value FROM cabas_meta WHERE key = ?"), {key});
    again.next();
    return QByteArray::fromHex(again.value(0).toString().toLatin1());
}

} // namespace cabas::store
