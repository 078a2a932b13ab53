#include "DatabaseSettings.h"

#include <QDir>
#include <QSettings>
#include <QStandardPaths>

namespace cabas::ui {

namespace {
const QString kLastDatabaseKey = QStringLiteral("database/last");
}

QString DatabaseSettings::lastDatabase()
{
    return QSettings().value(kLastDatabaseKey).toString();
}

void DatabaseSettings::remember(const store::DatabaseSpec& spec)
{
    // displayName() never contains the password.
    QSettings().setValue(kLastDatabaseKey, spec.displayName());
}

void DatabaseSettings::forget()
{
    QSettings().remove(kLastDatabaseKey);
}

QString DatabaseSettings::defaultDatabasePath()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath();
    return QDir(dir).filePath(QStringLiteral("cabas.cabas"));
}

} // namespace cabas::ui
