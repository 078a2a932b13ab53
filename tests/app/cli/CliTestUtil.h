#pragma once
// cabas-cli's entry point run in the test's process, as a user would type the command, with what it printed.

#include "cli/Cli.h"
#include "support/TestDatabase.h"

#include <QProcessEnvironment>
#include <QStringList>
#include <QTextStream>

namespace cabas::test {

struct CliRun
{
    int code = -1;
    QString out;
    QString err;
};

// `args` as typed after `cabas-cli`; a missing password is an error, never a prompt.
inline CliRun runCli(const QStringList& args)
{
    CliRun r;
    QTextStream out(&r.out);
    QTextStream err(&r.err);
    QProcessEnvironment env;
    env.insert(QStringLiteral("CABAS_NO_PROMPT"), QStringLiteral("1"));
    r.code = cli::run(args, out, err, env);
    out.flush();
    err.flush();
    return r;
}

// The same on `t`'s database, as `login` with the password in `passwordFile`.
inline CliRun runCli(const TempDatabase& t, const QString& login, const QString& passwordFile,
                     const QStringList& args)
{
    return runCli(QStringList{QStringLiteral("--db"), t.url(), QStringLiteral("--user"), login,
                              QStringLiteral("--password-file"), passwordFile} +
                  args);
}

} // namespace cabas::test
