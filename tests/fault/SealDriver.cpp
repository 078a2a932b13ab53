// cabas_seal_driver DB PASSWORD_FILE POINT: seals the SQLite database DB as "admin" (Sealing::run) and kills
// itself with SIGKILL at POINT (tests/fault/SealKillTest.cpp): backup (in the middle of the backup), copy
// (before the page copy), rewrite (half the rows rewritten), vacuum (just after VACUUM INTO), verify (the new
// file checked, before the rename), before-rename, after-rename; "none" seals to the end.
#include "common/Error.h"
#include "security/Authenticator.h"
#include "security/Passwords.h"
#include "setup/Sealing.h"
#include "store/Database.h"

#include <QCoreApplication>
#include <csignal>
#include <cstdio>

using namespace cabas;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 4) {
        std::fprintf(stderr, "usage: cabas_seal_driver DB PASSWORD_FILE POINT\n");
        return 2;
    }
    const QString point = args.at(3);
    try {
        store::DatabaseSpec spec;
        spec.backend = store::Backend::Sqlite;
        spec.path = args.at(1);
        auto db = store::Database::open(spec);
        const QString password = security::Passwords::readPasswordFile(args.at(2));
        const Session admin = security::Authenticator(*db).login(QStringLiteral("admin"), password);
        Sealing::Options options;
        options.password = password;
        options.progress = [&](Sealing::Phase phase, qint64 done, qint64 total) {
            using P = Sealing::Phase;
            const bool now = (point == QLatin1String("backup") && phase == P::Backup && total > 0) ||
                             (point == QLatin1String("copy") && phase == P::Copy) ||
                             (point == QLatin1String("rewrite") && phase == P::Rewrite && total > 0 &&
                              done >= total / 2 && done < total) ||
                             (point == QLatin1String("vacuum") && phase == P::Vacuum && done == 1) ||
                             (point == QLatin1String("verify") && phase == P::Verify && done == 1) ||
                             (point == QLatin1String("before-rename") && phase == P::Replace && done == 0) ||
                             (point == QLatin1String("after-rename") && phase == P::Replace && done == 1);
            if (now)
                ::raise(SIGKILL);
            return true;
        };
        Sealing::run(db, admin, options);
    } catch (const Error& e) {
        std::fprintf(stderr, "%s\n", qPrintable(e.message()));
        return 1;
    }
    return 0;
}
