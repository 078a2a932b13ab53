#include "store/ContributionRepository.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "security/Access.h"
#include "store/PgRoles.h"
#include "store/StatementClock.h"

#include <QCryptographicHash>
#include <QSqlQuery>

namespace cabas::store {

namespace {

// The bands of contributionBands(): [0, 500), [500, 2000), [2000, 5000), [5000, 10000), 10000+ cents a month.
constexpr int kBands = 5;

const char* const kChoiceColumns =
    "SELECT c.id, c.household_id, c.from_month, c.monthly_cents, c.currency, c.chosen_by, u.login, "
    "c.recorded_at, c.note FROM contribution_choice c LEFT JOIN app_user u ON u.id = c.chosen_by ";
const char* const kPaymentColumns =
    "SELECT p.id, p.household_id, p.paid_on, p.amount_cents, p.currency, p.recorded_by, u.login, "
    "p.recorded_at, p.note FROM contribution_payment p LEFT JOIN app_user u ON u.id = p.recorded_by ";

ContributionChoice readChoice(const QSqlQuery& q)
{
    ContributionChoice c;
    c.id = q.value(0).toLongLong();
    c.householdId = q.value(1).toLongLong();
    c.fromMonth = toDate(q.value(2));
    c.monthlyCents = q.value(3).toLongLong();
    c.currency = q.value(4).toString();
    c.chosenByUserId = q.value(5).toLongLong();
    c.chosenBy = q.value(6).toString();
    c.recordedAt = toTimestamp(q.value(7));
    c.note = q.value(8).toString();
    return c;
}

ContributionPayment readPayment(const QSqlQuery& q)
{
    ContributionPayment p;
    p.id = q.value(0).toLongLong();
    p.householdId = q.value(1).toLongLong();
    p.paidOn = toDate(q.value(2));
    p.amountCents = q.value(3).toLongLong();
    p.currency = q.value(4).toString();
    p.recordedByUserId = q.value(5).toLongLong();
    p.recordedBy = q.value(6).toString();
    p.recordedAt = toTimestamp(q.value(7));
    p.note = q.value(8).toString();
    return p;
}

QString pgType(const QVariant& value)
{
    switch (value.metaType().id()) {
    case QMetaType::QDate:
        return QStringLiteral("date");
    case QMetaType::Int:
        return QStringLiteral("integer");
    case QMetaType::LongLong:
        return QStringLiteral("bigint");
    default:
        return QStringLiteral("text");
    }
}

// The SQL with ? replaced by $1, $2... (no statement here has a ? inside a literal).
QString numbered(const QString& sql)
{
    QString out;
    int n = 0;
    for (QChar c : sql)
        out += c == QLatin1Char('?') ? QLatin1Char('$') + QString::number(++n) : QString(c);
    return out;
}

const QLatin1String kFunctionPrefix("cabas_contrib_");

QString functionName(const QString& name, const QString& sql, const QStringList& types)
{
    const QByteArray hash =
        QCryptographicHash::hash((sql + QLatin1Char('|') + types.join(QLatin1Char(','))).toUtf8(),
                                 QCryptographicHash::Sha1)
            .toHex()
            .left(10);
    return kFunctionPrefix + name + QLatin1Char('_') + QString::fromLatin1(hash);
}

} // namespace

void ContributionRepository::insertChoice(ContributionChoice& c) const
{
    c.recordedAt = Clock::instance().nowUtc();
    QSqlQuery q = m_db.exec(
        QStringLiteral(
            "INSERT INTO contribution_choice (household_id, from_month, month_index, monthly_cents, "
            "currency, chosen_by, recorded_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        {c.householdId, dateValue(c.fromMonth), monthIndex(c.fromMonth), c.monthlyCents, c.currency,
         idValue(c.chosenByUserId), timestampValue(c.recordedAt), textValue(c.note)});
    q.next();
    c.id = q.value(0).toLongLong();
}

void ContributionRepository::insertPayment(ContributionPayment& p) const
{
    p.recordedAt = Clock::instance().nowUtc();
    QSqlQuery q = m_db.exec(
        QStringLiteral(
            "INSERT INTO contribution_payment (household_id, paid_on, month_index, amount_cents, "
            "currency, recorded_by, recorded_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        {p.householdId, dateValue(p.paidOn), monthIndex(p.paidOn), p.amountCents, p.currency,
         idValue(p.recordedByUserId), timestampValue(p.recordedAt), textValue(p.note)});
    q.next();
    p.id = q.value(0).toLongLong();
}

std::vector<ContributionChoice> ContributionRepository::choices(qint64 householdId) const
{
    std::vector<ContributionChoice> result;
    QSqlQuery q = m_db.exec(QLatin1String(kChoiceColumns) +
                                QStringLiteral("WHERE c.household_id = ? ORDER BY c.month_index, c.id"),
                            {householdId});
    while (q.next())
        result.push_back(readChoice(q));
    return result;
}

std::vector<ContributionPayment> ContributionRepository::payments(qint64 householdId) const
{
    std::vector<ContributionPayment> result;
    QSqlQuery q = m_db.exec(QLatin1String(kPaymentColumns) +
                                QStringLiteral("WHERE p.household_id = ? ORDER BY p.paid_on, p.id"),
                            {householdId});
    while (q.next())
        result.push_back(readPayment(q));
    return result;
}

std::vector<ContributionRepository::HouseholdRows>
ContributionRepository::allHouseholds(const QDate& until) const
{
    std::vector<HouseholdRows> result;
    std::map<qint64, std::size_t> index;
    QSqlQuery h = m_db.exec(QStringLiteral(
        "SELECT h.id, h.code, h.enrolled_on, h.exited_on FROM household h WHERE h.id IN "
        "(SELECT household_id FROM contribution_choice UNION SELECT household_id FROM contribution_payment) "
        "ORDER BY h.code"));
    while (h.next()) {
        HouseholdRows rows;
        rows.householdId = h.value(0).toLongLong();
        rows.code = h.value(1).toString();
        rows.enrolledOn = toDate(h.value(2));
        rows.exitedOn = toDate(h.value(3));
        index[rows.householdId] = result.size();
        result.push_back(std::move(rows));
    }
    QSqlQuery c = m_db.exec(QLatin1String(kChoiceColumns) + QStringLiteral("ORDER BY c.month_index, c.id"));
    while (c.next()) {
        ContributionChoice choice = readChoice(c);
        const auto it = index.find(choice.householdId);
        if (it != index.end())
            result[it->second].choices.push_back(std::move(choice));
    }
    QSqlQuery p = m_db.exec(QLatin1String(kPaymentColumns) +
                                QStringLiteral("WHERE p.paid_on <= ? ORDER BY p.paid_on, p.id"),
                            {dateValue(until)});
    while (p.next()) {
        ContributionPayment payment = readPayment(p);
        const auto it = index.find(payment.householdId);
        if (it != index.end())
            result[it->second].payments.push_back(std::move(payment));
    }
    return result;
}

QString ContributionRepository::monthIndexOf(const QString& column) const
{
    if (m_db.backend() == Backend::Postgres)
        return QStringLiteral("CAST(EXTRACT(YEAR FROM %1) * 12 + EXTRACT(MONTH FROM %1) - 1 AS INTEGER)")
            .arg(column);
    return QStringLiteral("(CAST(substr(%1, 1, 4) AS INTEGER) * 12 + CAST(substr(%1, 6, 2) AS INTEGER) - 1)")
        .arg(column);
}

QVariant ContributionRepository::day(const QDate& date) const
{
    if (m_db.backend() == Backend::Postgres)
        return date.isValid() ? QVariant(date) : QVariant(QMetaType(QMetaType::QDate));
    return dateValue(date);
}

// The cohort of docs/cohort.md (the same conditions as CohortQueries), each household with the span of months
// of the period it was enrolled in; each choice in force over a span of months (from its month to the month
// before the household's next choice; of two choices of the same month, the later one); then per household
// the months with a contribution expected and their sum (each choice's months in the household's span,
// counted by arithmetic rather than month by month), and what it paid in the period. The filters are always
// in the text (NULL when unset) so that each statement is one fixed function on PostgreSQL.
std::vector<ContributionRepository::Statement>
ContributionRepository::cohortStatements(const CohortFilter& f, const QString& currency) const
{
    auto optional = [](const QString& value) {
        return value.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(value);
    };
    const int fromMonth = monthIndex(f.from);
    const int toMonth = monthIndex(f.to);
    const QString with =
        QStringLiteral(
            "WITH cohort AS (SELECT h.id, %1 AS enrol_idx, CASE WHEN h.exited_on IS NULL THEN NULL ELSE %2 "
            "END "
            "AS exit_idx FROM household h WHERE h.enrolled_on IS NOT NULL AND h.enrolled_on <= ? "
            "AND (h.exited_on IS NULL OR h.exited_on >= ?) "
            "AND (CAST(? AS TEXT) IS NULL OR h.commune = ?) "
            "AND (CAST(? AS TEXT) IS NULL OR h.referent_user_id IN (SELECT u.id FROM app_user u WHERE "
            "u.login = ?)) "
            "AND (CAST(? AS TEXT) IS NULL OR h.status = ?)), "
            // The months of the period the household was enrolled in: first_m to last_m.
            "span AS (SELECT c.id, CASE WHEN c.enrol_idx > CAST(? AS INTEGER) THEN c.enrol_idx ELSE "
            "CAST(? AS INTEGER) END AS first_m, CASE WHEN c.exit_idx IS NOT NULL AND c.exit_idx < CAST(? AS "
            "INTEGER) THEN c.exit_idx ELSE CAST(? AS INTEGER) END AS last_m FROM cohort c), "
            // The choices in force in the span: from max(choice's month, first_m) to min(month before the
            // next choice, last_m).
            "choice_span AS (SELECT s.id AS household_id, ch.monthly_cents, ch.currency, "
            "CASE WHEN ch.month_index > s.first_m THEN ch.month_index ELSE s.first_m END AS lo, "
            "COALESCE((SELECT MIN(x.month_index) FROM contribution_choice x WHERE x.household_id = "
            "ch.household_id AND x.month_index > ch.month_index) - 1, s.last_m) AS next_last, s.last_m "
            "FROM span s JOIN contribution_choice ch ON ch.household_id = s.id WHERE ch.month_index <= "
            "s.last_m "
            "AND NOT EXISTS (SELECT 1 FROM contribution_choice y WHERE y.household_id = ch.household_id AND "
            "y.month_index = ch.month_index AND y.id > ch.id)), "
            "counted AS (SELECT household_id, monthly_cents, currency, (CASE WHEN next_last < last_m THEN "
            "next_last ELSE last_m END) - lo + 1 AS n FROM choice_span), "
            "hh AS (SELECT household_id, SUM(n) AS months, CAST(SUM(n * monthly_cents) AS BIGINT) AS "
            "expected "
            "FROM counted WHERE n > 0 AND currency = ? GROUP BY household_id), "
            "paid AS (SELECT p.household_id, CAST(SUM(p.amount_cents) AS BIGINT) AS paid FROM "
            "contribution_payment p JOIN cohort c ON c.id = p.household_id WHERE p.month_index >= CAST(? AS "
            "INTEGER) AND p.month_index <= CAST(? AS INTEGER) AND p.paid_on >= ? AND p.paid_on <= ? AND "
            "p.currency = ? GROUP BY p.household_id) ")
            .arg(monthIndexOf(QStringLiteral("h.enrolled_on")), monthIndexOf(QStringLiteral("h.exited_on")));
    const QVariantList values = {day(f.to),
                                 day(f.from),
                                 optional(f.commune),
                                 optional(f.commune),
                                 optional(f.referent),
                                 optional(f.referent),
                                 optional(f.status),
                                 optional(f.status),
                                 fromMonth,
                                 fromMonth,
                                 toMonth,
                                 toMonth,
                                 currency,
                                 fromMonth,
                                 toMonth,
                                 day(f.from),
                                 day(f.to),
                                 currency};
    // One statement: the totals, then the households of each band of mean monthly amount (hh and paid are
    // computed once).
    QString sql =
        with +
        QStringLiteral("SELECT CAST((SELECT COUNT(*) FROM hh) AS BIGINT), "
                       "CAST((SELECT COALESCE(SUM(months), 0) FROM hh) AS BIGINT), "
                       "CAST((SELECT COALESCE(SUM(expected), 0) FROM hh) AS BIGINT), "
                       "CAST((SELECT COUNT(*) FROM paid) AS BIGINT), "
                       "CAST((SELECT COALESCE(SUM(paid), 0) FROM paid) AS BIGINT), "
                       "CAST((SELECT COUNT(*) FROM hh LEFT JOIN paid ON paid.household_id = hh.household_id "
                       "WHERE hh.expected > COALESCE(paid.paid, 0)) AS BIGINT)");
    for (int band = 0; band < kBands; ++band)
        sql +=
            QStringLiteral(", CAST((SELECT COUNT(*) FROM hh WHERE (CASE WHEN expected / months < 500 THEN 0 "
                           "WHEN expected / months < 2000 THEN 1 WHEN expected / months < 5000 THEN 2 "
                           "WHEN expected / months < 10000 THEN 3 ELSE 4 END) = %1) AS BIGINT)")
                .arg(band);
    return {Statement{QStringLiteral("figures"), sql, values, 6 + kBands}};
}

QSqlQuery ContributionRepository::run(const Statement& s) const
{
    if (m_db.backend() != Backend::Postgres)
        return m_db.exec(s.sql, s.values);
    QStringList types;
    for (const QVariant& v : s.values)
        types << pgType(v);
    const QString function = functionName(s.name, s.sql, types);
    if (!m_functions) {
        m_functions.emplace();
        QSqlQuery q = m_db.exec(QStringLiteral("SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON "
                                               "n.oid = p.pronamespace WHERE n.nspname = 'public' AND "
                                               "p.proname LIKE 'cabas\\_contrib\\_%'"));
        while (q.next())
            *m_functions << q.value(0).toString();
    }
    if (!m_functions->contains(function))
        return m_db.exec(s.sql, s.values);
    QStringList arguments;
    for (const QString& type : types)
        arguments << QStringLiteral("CAST(? AS %1)").arg(type);
    return m_db.exec(
        QStringLiteral("SELECT * FROM %1(%2)").arg(function, arguments.join(QStringLiteral(", "))), s.values);
}

ContributionCohortRaw ContributionRepository::cohortFigures(const CohortFilter& filter,
                                                            const QString& currency) const
{
    ContributionCohortRaw raw;
    raw.currency = currency;
    const auto statements = cohortStatements(filter, currency);
    const StatementClock clock(QStringLiteral("contribution_figures"));
    QSqlQuery q = run(statements[0]);
    if (q.next()) {
        raw.households = q.value(0).toLongLong();
        raw.householdMonths = q.value(1).toLongLong();
        raw.expectedCents = q.value(2).toLongLong();
        raw.payingHouseholds = q.value(3).toLongLong();
        raw.paidCents = q.value(4).toLongLong();
        raw.householdsInArrears = q.value(5).toLongLong();
        // Empty bands are left out.
        const QStringList names = contributionBands();
        for (int band = 0; band < kBands && band < names.size(); ++band)
            if (const qint64 households = q.value(6 + band).toLongLong(); households > 0)
                raw.bands.push_back({names[band], households});
    }
    return raw;
}

void ContributionRepository::installPgFunctions(const Database& db, const QStringList& readers)
{
    if (db.backend() != Backend::Postgres)
        return;
    QStringList old;
    {
        QSqlQuery q = db.exec(QStringLiteral(
            "SELECT CAST(p.oid AS regprocedure) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND p.proname LIKE 'cabas\\_contrib\\_%'"));
        while (q.next())
            old << q.value(0).toString();
    }
    for (const QString& f : old)
        db.execDirect(QStringLiteral("DROP FUNCTION %1").arg(f));
    // The statements' text does not depend on the filter's values, only their parameters do.
    CohortFilter f;
    f.from = QDate(2000, 1, 1);
    f.to = QDate(2000, 12, 31);
    const ContributionRepository repository(db);
    for (const Statement& s : repository.cohortStatements(f, QStringLiteral("EUR"))) {
        QStringList types, columns;
        for (const QVariant& v : s.values)
            types << pgType(v);
        for (int i = 1; i <= s.columns; ++i)
            columns << QStringLiteral("c%1 bigint").arg(i);
        const QString signature = QStringLiteral("%1(%2)").arg(functionName(s.name, s.sql, types),
                                                               types.join(QStringLiteral(", ")));
        db.execDirect(
            QStringLiteral("CREATE FUNCTION %1 RETURNS TABLE (%2) LANGUAGE sql STABLE SECURITY DEFINER "
                           "SET search_path = public, pg_temp AS $cabas$ %3 $cabas$")
                .arg(signature, columns.join(QStringLiteral(", ")), numbered(s.sql)));
        db.execDirect(QStringLiteral("REVOKE ALL ON FUNCTION %1 FROM PUBLIC").arg(signature));
        if (!readers.isEmpty())
            db.execDirect(QStringLiteral("GRANT EXECUTE ON FUNCTION %1 TO %2")
                              .arg(signature, readers.join(QStringLiteral(", "))));
    }
}

QStringList ContributionRepository::pgRevokes(const QString& prefix)
{
    // Who sees a household's contributions: whoever reads households in full (not the coordinators, who
    // read them by code only; ContributionService asks the same).
    QStringList sql;
    for (Role role : {Role::SocialWorker, Role::Nurse, Role::Coordinator, Role::Admin})
        if (!AccessPolicy::allows(role, DataKind::Households, Action::Read) ||
            !AccessPolicy::seesAddresses(role))
            sql << QStringLiteral("REVOKE ALL ON contribution_choice, contribution_payment FROM %1")
                       .arg(PgRoles::roleName(prefix, role));
    return sql;
}

} // namespace cabas::store
