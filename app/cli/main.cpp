#include "cli/Cli.h"
#include "common/Translation.h"

#include <QCoreApplication>
#include <cstdio>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Cabas"));
    QCoreApplication::setApplicationName(QStringLiteral("cabas"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CABAS_VERSION));
    cabas::installTranslations(cabas::chosenLanguage());
    QTextStream out(stdout);
    QTextStream err(stderr);
    const int code = cabas::cli::run(app.arguments().mid(1), out, err);
    out.flush();
    err.flush();
    return code;
}
