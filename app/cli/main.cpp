#include "cli/Cli.h"
#include "cli/CohortPdf.h"
#include "common/Translation.h"

#include <QCoreApplication>
#include <cstdio>
#include <memory>
#ifdef CABAS_WITH_REPORT
#include "cohort/CohortCharts.h"
#include <QApplication>
#endif

int main(int argc, char* argv[])
{
    std::unique_ptr<QCoreApplication> application;
#ifdef CABAS_WITH_REPORT
    // The PDF report draws QtCharts, which need a QApplication: only then, on the offscreen platform unless
    // one is chosen, so that cabas-cli runs without a display.
    QStringList raw;
    for (int i = 1; i < argc; ++i)
        raw << QString::fromLocal8Bit(argv[i]);
    if (cabas::cli::wantsCohortPdf(raw)) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        application = std::make_unique<QApplication>(argc, argv);
    }
    cabas::cli::setCohortPdfWriter(&cabas::ui::writeCohortPdf);
#endif
    if (!application)
        application = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication& app = *application;
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
