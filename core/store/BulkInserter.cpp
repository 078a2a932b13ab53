#include "store/BulkInserter.h"

#include "common/Error.h"
#include "store/SqliteStatement.h"

#include <QHash>
#include <QSqlDriver>
#include <QSqlRecord>
#include <algorithm>
#include <sqlite3.h>

namespace cabas::store {

// A prepared single-row INSERT on the SQLite connection behind Qt's.
struct BulkInserter::Native
{
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    ~Native()
    {
        if (stmt)
            sqlite3_finalize(stmt);
    }

    void bind(int index, const QVariant& v) const { bindSqlite(db, stmt, index, v); }

    QVariantList row() const
    {
        QVariantList values;
        const int n = sqlite3_column_count(stmt);
        for (int i = 0; i < n; ++i) {
            switch (sqlite3_column_type(stmt, i)) {
            case SQLITE_INTEGER:
                values << QVariant(qint64(sqlite3_column_int64(stmt, i)));
                break;
            case SQLITE_FLOAT:
                values << QVariant(sqlite3_column_double(stmt, i));
                break;
            case SQLITE_NULL:
                values << QVariant();
                break;
            default:
                values << QVariant(QString(reinterpret_cast<const QChar*>(sqlite3_column_text16(stmt, i)),
                                           sqlite3_column_bytes16(stmt, i) / 2));
            }
        }
        return values;
    }
};

BulkInserter::BulkInserter(const Database& db, QString table, QStringList columns, QString returning,
                           Returned onReturned)
    : m_db(db), m_table(std::move(table)), m_columns(std::move(columns)), m_returning(std::move(returning)),
      m_onReturned(std::move(onReturned))
{
    if (db.backend() == Backend::Sqlite) {
        const QVariant handle = db.connection().driver()->handle();
        sqlite3* h = nullptr;
        if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
            h = *static_cast<sqlite3* const*>(handle.constData());
        if (!h)
            throw Error(Database::tr("Database error: %1").arg(QStringLiteral("no SQLite handle")),
                        Error::Kind::Storage);
        m_native = std::make_unique<Native>();
        m_native->db = h;
        const QByteArray sql = singleRowStatement().toUtf8();
        if (sqlite3_prepare_v3(h, sql.constData(), int(sql.size()), SQLITE_PREPARE_PERSISTENT,
                               &m_native->stmt, nullptr) != SQLITE_OK)
            failSqlite(m_native->db);
        return;
    }
    // PostgreSQL: one array per column and `INSERT ... SELECT * FROM unnest(...)`: thousands of rows per
    // statement with a handful of parameters (a multi-row VALUES list makes the server parse every row).
    QSqlQuery types = db.exec(QStringLiteral("SELECT column_name, udt_name FROM information_schema.columns "
                                             "WHERE table_schema = current_schema() AND table_name = ?"),
                              {m_table});
    QHash<QString, QString> typeOf;
    while (types.next())
        typeOf.insert(types.value(0).toString(), types.value(1).toString());
    for (const QString& column : m_columns) {
        const QString type = typeOf.value(column);
        if (type.isEmpty())
            throw Error(Database::tr("Database error: %1")
                            .arg(QStringLiteral("no column %1.%2").arg(m_table, column)),
                        Error::Kind::Storage);
        m_columnTypes << type;
    }
}

BulkInserter::~BulkInserter()
{
    if (!m_pending.isEmpty() && std::uncaught_exceptions() == 0)
        qWarning("Cabas: BulkInserter for %s destroyed with unflushed rows", qPrintable(m_table));
}

QString BulkInserter::singleRowStatement() const
{
    QString sql = QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                      .arg(m_table, m_columns.join(QLatin1Char(',')),
                           QStringList(m_columns.size(), QStringLiteral("?")).join(QLatin1Char(',')));
    if (!m_returning.isEmpty())
        sql += QStringLiteral(" RETURNING ") + m_returning;
    return sql;
}

void BulkInserter::add(const QVariantList& row)
{
    Q_ASSERT(row.size() == m_columns.size());
    if (m_native) {
        sqlite3_stmt* stmt = m_native->stmt;
        for (qsizetype i = 0; i < row.size(); ++i)
            m_native->bind(int(i) + 1, row.at(i));
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
            if (m_onReturned)
                m_onReturned(m_native->row());
        if (rc != SQLITE_DONE) {
            sqlite3_reset(stmt);
            failSqlite(m_native->db);
        }
        sqlite3_reset(stmt);
        ++m_inserted;
        return;
    }
    m_pending += row;
    if (m_pending.size() >= kRowsPerBatch * m_columns.size())
        flush();
}

QString BulkInserter::unnestStatement() const
{
    QStringList arrays;
    for (const QString& type : m_columnTypes)
        arrays << QStringLiteral("?::%1[]").arg(type);
    QString sql = QStringLiteral("INSERT INTO %1 (%2) SELECT * FROM unnest(%3)")
                      .arg(m_table, m_columns.join(QLatin1Char(',')), arrays.join(QLatin1Char(',')));
    if (!m_returning.isEmpty())
        sql += QStringLiteral(" RETURNING ") + m_returning;
    return sql;
}

void BulkInserter::flush()
{
    if (m_pending.isEmpty())
        return;
    if (!m_fullPrepared) {
        m_full = m_db.prepare(unnestStatement());
        m_fullPrepared = true;
    }
    execute(m_full);
}

namespace {
// Appends one element of a PostgreSQL array literal: NULL, or a double-quoted string with \ and " escaped.
void appendArrayElement(QString& out, const QVariant& v)
{
    if (v.isNull()) {
        out += QLatin1String("NULL");
        return;
    }
    const QString text = v.metaType().id() == QMetaType::Bool
                             ? (v.toBool() ? QStringLiteral("t") : QStringLiteral("f"))
                             : v.toString();
    out += QLatin1Char('"');
    for (const QChar c : text) {
        if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
            out += QLatin1Char('\\');
        out += c;
    }
    out += QLatin1Char('"');
}
} // namespace

void BulkInserter::execute(QSqlQuery& q)
{
    const qsizetype columns = m_columns.size();
    const qsizetype rows = m_pending.size() / columns;
    for (qsizetype c = 0; c < columns; ++c) {
        QString array;
        array.reserve(rows * 16);
        array += QLatin1Char('{');
        for (qsizetype r = 0; r < rows; ++r) {
            if (r)
                array += QLatin1Char(',');
            appendArrayElement(array, m_pending.at(r * columns + c));
        }
        array += QLatin1Char('}');
        q.bindValue(int(c), array);
    }
    m_pending.clear(); // sent: a failure below leaves nothing to flush
    Database::exec(q);
    if (m_onReturned) {
        const int n = q.record().count();
        while (q.next()) {
            QVariantList values;
            for (int i = 0; i < n; ++i)
                values << q.value(i);
            m_onReturned(values);
        }
    }
    q.finish();
    m_inserted += rows;
}

} // namespace cabas::store
