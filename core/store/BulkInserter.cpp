#include "store/BulkInserter.h"

#include "common/Error.h"

#include <algorithm>
#include <exception>

namespace cabas::store {

BulkInserter::BulkInserter(const Database& db, QString table, QStringList columns, QString returning,
                           Returned onReturned)
    : m_db(db), m_table(std::move(table)), m_columns(std::move(columns)), m_returning(std::move(returning)),
      m_onReturned(std::move(onReturned))
{
    // SQLite accepts 32766 bound values per statement, PostgreSQL 65535.
    m_rowsPerStatement =
        std::max(1, std::min<int>(500, 30000 / int(std::max<qsizetype>(1, m_columns.size()))));
}

BulkInserter::~BulkInserter() noexcept(false)
{
    if (!m_pending.isEmpty() && std::uncaught_exceptions() == 0)
        qWarning("Cabas: BulkInserter for %s destroyed with %lld unflushed values", qPrintable(m_table),
                 qlonglong(m_pending.size()));
}

QString BulkInserter::statementFor(int rows) const
{
    const QString oneRow = QLatin1Char('(') +
                           QStringList(m_columns.size(), QStringLiteral("?")).join(QLatin1Char(',')) +
                           QLatin1Char(')');
    QString sql =
        QStringLiteral("INSERT INTO %1 (%2) VALUES ").arg(m_table, m_columns.join(QLatin1Char(',')));
    sql.reserve(sql.size() + rows * (oneRow.size() + 1) + 32);
    for (int i = 0; i < rows; ++i) {
        if (i)
            sql += QLatin1Char(',');
        sql += oneRow;
    }
    if (!m_returning.isEmpty())
        sql += QStringLiteral(" RETURNING ") + m_returning;
    return sql;
}

void BulkInserter::add(const QVariantList& row)
{
    Q_ASSERT(row.size() == m_columns.size());
    m_pending += row;
    if (m_pending.size() >= m_rowsPerStatement * m_columns.size()) {
        if (!m_fullPrepared) {
            m_full = m_db.prepare(statementFor(m_rowsPerStatement));
            m_fullPrepared = true;
        }
        execute(m_full);
    }
}

void BulkInserter::flush()
{
    if (m_pending.isEmpty())
        return;
    QSqlQuery q = m_db.prepare(statementFor(int(m_pending.size() / m_columns.size())));
    execute(q);
}

void BulkInserter::execute(QSqlQuery& q)
{
    for (qsizetype i = 0; i < m_pending.size(); ++i)
        q.bindValue(int(i), m_pending.at(i));
    Database::exec(q);
    if (m_onReturned)
        while (q.next())
            m_onReturned(q);
    q.finish();
    m_inserted += m_pending.size() / m_columns.size();
    m_pending.clear();
}

} // namespace cabas::store
