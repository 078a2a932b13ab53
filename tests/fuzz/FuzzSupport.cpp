#include "FuzzSupport.h"

#include "common/Clock.h"
#include "common/Error.h"
#include "common/Translation.h"
#include "domain/Consent.h"
#include "io/PersonsImport.h"
#include "security/Authenticator.h"
#include "security/UserService.h"
#include "services/HouseholdService.h"
#include "setup/Setup.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace cabas::fuzz {

namespace {
// Made once and never destroyed: libFuzzer ends the process with exit(), when Qt's own globals are already
// going, too late to destroy a QCoreApplication or a database connection. What they hold stays reachable.
QCoreApplication* application = nullptr;
QTemporaryDir* scratch = nullptr;

[[noreturn]] void fail(const QString& what)
{
    std::fprintf(stderr, "fuzz fixture: %s\n", qPrintable(what));
    std::abort();
}

void removeScratch()
{
    if (scratch)
        QDir(scratch->path()).removeRecursively();
}
} // namespace

void ensureApplication()
{
    if (application)
        return;
    static int argc = 1;
    static char name[] = "cabas-fuzz";
    static char* argv[] = {name, nullptr};
    if (qEnvironmentVariableIsEmpty("CABAS_LANG"))
        qputenv("CABAS_LANG", "fr");
    QStandardPaths::setTestModeEnabled(true);
    application = new QCoreApplication(argc, argv);
    installTranslations(chosenLanguage());
    Clock::setInstance(std::make_shared<FixedClock>(QDateTime(QDate(2025, 6, 15), QTime(10, 0), Qt::UTC)));
    scratch = new QTemporaryDir;
    scratch->setAutoRemove(false); // removed by removeScratch, while Qt still works
    if (!scratch->isValid())
        fail(QStringLiteral("no temporary folder"));
    std::atexit(removeScratch);
}

QString writeScratch(const uint8_t* data, std::size_t size, const QString& fileName)
{
    ensureApplication();
    const QString path = scratch->filePath(fileName);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(reinterpret_cast<const char*>(data), qint64(size)) != qint64(size))
        fail(QStringLiteral("cannot write %1").arg(path));
    return path;
}

const Fixture& fixture()
{
    static Fixture* f = nullptr; // never destroyed, as the application
    if (f)
        return *f;
    ensureApplication();
    try {
        InitRequest request;
        request.spec.backend = store::Backend::Sqlite;
        request.spec.path = scratch->filePath(QStringLiteral("fuzz.cabas"));
        request.adminLogin = QStringLiteral("admin");
        request.adminPassword = QStringLiteral("Admin-Password-2026");
        request.sealFields = false;
        store::Database* db = Setup::initDatabase(request).release();
        const security::Authenticator auth(*db);
        const Session admin = auth.login(request.adminLogin, request.adminPassword);
        const security::UserService users(*db, admin);
        auto sessionFor = [&](const QString& login, Role role) {
            const QString password = QStringLiteral("Password-of-%1").arg(login);
            users.add(login, login, role, password);
            return auth.login(login, password);
        };
        const Session socialWorker = sessionFor(QStringLiteral("social.worker"), Role::SocialWorker);
        const Session nurse = sessionFor(QStringLiteral("nurse"), Role::Nurse);
        io::PersonsImport(*db, socialWorker)
            .run(QStringLiteral(CABAS_SAMPLES_DIR) + QStringLiteral("/persons.csv"));
        const HouseholdService households(*db, socialWorker);
        for (const Household& h : households.list())
            for (const Person& p : households.members(h.id)) {
                Consent c;
                c.personId = p.id;
                c.purpose = ConsentPurpose::HealthFollowup;
                c.effectiveOn = QDate(2024, 6, 1);
                households.recordConsent(c);
            }
        f = new Fixture{*db, socialWorker, nurse, admin};
    } catch (const Error& e) {
        fail(e.message());
    }
    return *f;
}

} // namespace cabas::fuzz
