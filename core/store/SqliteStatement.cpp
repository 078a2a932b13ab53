#include "store/SqliteStatement.h"

#include "common/Error.h"

#include <QSqlDriver>
#include <sqlite3.h>

namespace cabas::store {

sqlite3* sqliteHandle(const Database& db)
{
    const QVariant handle = db.connection().driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        if (sqlite3* h = *static_cast<sqlite3* const*>(handle.constData()))
            return h;
    throw Error(Database::tr("Database error: %1").arg(QStringLiteral("no SQLite handle")),
                Error::Kind::Storage);
}

void failSqlite(sqlite3* h)
{
    // A full disk, a read-only file... get Database's clear messages (docs/faults.md).
    throw Database::sqliteError(sqlite3_extended_errcode(h), QString::fromUtf8(sqlite3_errmsg(h)),
                                QString::fromUtf8(sqlite3_db_filename(h, "main")));
}

void bindSqlite(sqlite3* h, sqlite3_stmt* stmt, int index, const QVariant& v)
{
    int rc;
    if (v.isNull()) {
        rc = sqlite3_bind_null(stmt, index);
    } else {
        switch (v.metaType().id()) {
        case QMetaType::Bool:
        case QMetaType::Int:
        case QMetaType::UInt:
        case QMetaType::LongLong:
            rc = sqlite3_bind_int64(stmt, index, v.toLongLong());
            break;
        case QMetaType::Double:
            rc = sqlite3_bind_double(stmt, index, v.toDouble());
            break;
        case QMetaType::QByteArray: {
            const QByteArray bytes = v.toByteArray();
            rc = sqlite3_bind_blob64(stmt, index, bytes.constData(), sqlite3_uint64(bytes.size()),
                                     SQLITE_TRANSIENT);
            break;
        }
        default: {
            const QString text = v.toString();
            rc = sqlite3_bind_text16(stmt, index, text.utf16(), int(text.size() * 2), SQLITE_TRANSIENT);
        }
        }
    }
    if (rc != SQLITE_OK)
        failSqlite(h);
}

SqliteStatement::SqliteStatement(const Database& db, const QString& sql, const QVariantList& values)
    : m_db(sqliteHandle(db))
{
    const QByteArray text = sql.toUtf8();
    if (sqlite3_prepare_v2(m_db, text.constData(), int(text.size()), &m_stmt, nullptr) != SQLITE_OK) {
        sqlite3_finalize(m_stmt);
        failSqlite(m_db);
    }
    try {
        for (int i = 0; i < int(values.size()); ++i)
            bindSqlite(m_db, m_stmt, i + 1, values.at(i));
    } catch (...) {
        sqlite3_finalize(m_stmt);
        throw;
    }
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_stmt);
}

bool SqliteStatement::next()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE)
        failSqlite(m_db);
    return false;
}

qint64 SqliteStatement::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

QByteArrayView SqliteStatement::text(int column) const
{
    const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return QByteArrayView(bytes, sqlite3_column_bytes(m_stmt, column));
}

} // namespace cabas::store
