// cabas-cli commands of this area; see CliSupport.h.
#include "cli/CliSupport.h"

#include "cli/CohortPdf.h"
#include "store/ProgrammeRepository.h"

#include "cohort/CohortService.h"
#include "io/CohortExport.h"

namespace cabas::cli {

namespace {

CohortPdfWriter& pdfWriter()
{
    static CohortPdfWriter writer;
    return writer;
}

QDate dateOption(const Context& c, const QString& name)
{
    const QString text = c.option(name);
    if (text.isEmpty())
        throw UsageProblem(Cli::tr("--%1 YYYY-MM-DD is needed").arg(name));
    const QDate d = QDate::fromString(text, Qt::ISODate);
    if (!d.isValid())
        throw UsageProblem(Cli::tr("--%1: \"%2\" is not a date YYYY-MM-DD").arg(name, text));
    return d;
}

CohortFilter filterOf(const Context& c)
{
    CohortFilter f;
    f.from = dateOption(c, QStringLiteral("from"));
    f.to = dateOption(c, QStringLiteral("to"));
    f.commune = c.option(QStringLiteral("commune"));
    f.referent = c.option(QStringLiteral("referent"));
    f.status = c.option(QStringLiteral("status"));
    if (f.to < f.from)
        throw UsageProblem(Cli::tr("--to is before --from"));
    return f;
}

int runCohort(Context& c)
{
    requireNoArgument(c);
    const QString format =
        formatChoice(c.option(QStringLiteral("format")), {QStringLiteral("json"), QStringLiteral("csv"),
                                                          QStringLiteral("xlsx"), QStringLiteral("pdf")});
    const QString disclosureText = c.option(QStringLiteral("disclosure"));
    const auto disclosure =
        disclosureFromCode(disclosureText.isEmpty() ? QStringLiteral("internal") : disclosureText);
    if (!disclosure)
        throw UsageProblem(
            Cli::tr("--disclosure must be internal or public, not \"%1\"").arg(disclosureText));
    const CohortFilter filter = filterOf(c);
    const QString out = c.option(QStringLiteral("out"));
    if ((format == QLatin1String("xlsx") || format == QLatin1String("pdf")) && out.isEmpty())
        throw UsageProblem(Cli::tr("--format %1 needs --out FILE").arg(format));
    if (format == QLatin1String("pdf") && !pdfWriter())
        throw Error(
            Cli::tr("This cabas-cli was built without the desktop libraries: no PDF reports (use json, "
                    "csv or xlsx)."),
            Error::Kind::Unsupported);
    auto [db, session] = c.openAndLogin();
    const CohortService service(*db, session);
    const CohortReport report = service.report(filter, *disclosure);
    if (format == QLatin1String("xlsx"))
        io::CohortExport::xlsx(report, out);
    else if (format == QLatin1String("pdf")) {
        const auto programme = store::ProgrammeRepository(*db).load();
        pdfWriter()(report, out, programme ? programme->name : QString());
    } else {
        const QByteArray bytes =
            format == QLatin1String("csv") ? io::CohortExport::csv(report) : io::CohortExport::json(report);
        if (out.isEmpty()) {
            c.out << QString::fromUtf8(format == QLatin1String("csv") ? bytes.mid(3) : bytes);
            c.out.flush();
        } else
            io::CohortExport::writeFile(out, bytes);
    }
    if (!out.isEmpty()) {
        service.recordExport(filter, *disclosure, format);
        c.err << Cli::tr("Cohort summary written to %1.").arg(out) << Qt::endl;
    }
    return Success;
}

int runCohortDataset(Context& c)
{
    requireNoArgument(c);
    const QString out = c.option(QStringLiteral("out"));
    if (out.isEmpty())
        throw UsageProblem(Cli::tr("--out FILE is needed"));
    const QString format =
        formatChoice(c.option(QStringLiteral("format")), {QStringLiteral("csv"), QStringLiteral("xlsx")});
    const CohortFilter filter = filterOf(c);
    auto [db, session] = c.openAndLogin();
    const CohortDataset dataset = CohortService(*db, session).dataset(filter);
    if (format == QLatin1String("xlsx"))
        io::CohortExport::xlsx(dataset, out);
    else
        io::CohortExport::writeFile(out, io::CohortExport::csv(dataset));
    c.err << Cli::tr("%n row(s) written to %1.", nullptr, int(dataset.rows.size())).arg(out) << Qt::endl;
    if (!dataset.withheld.isEmpty())
        c.err << CohortService::withheldNote(dataset) << Qt::endl;
    return Success;
}

} // namespace

void setCohortPdfWriter(CohortPdfWriter writer)
{
    pdfWriter() = std::move(writer);
}

bool wantsCohortPdf(const QStringList& arguments)
{
    if (!arguments.contains(QStringLiteral("cohort")))
        return false;
    for (qsizetype i = 0; i < arguments.size(); ++i)
        if (arguments[i] == QLatin1String("--format=pdf") ||
            (arguments[i] == QLatin1String("--format") && i + 1 < arguments.size() &&
             arguments[i + 1] == QLatin1String("pdf")))
            return true;
    return false;
}

std::vector<Command> cohortCommands()
{
    using O = QCommandLineOption;
    const QList<O> period = {
        O(QStringLiteral("from"), Cli::tr("First day of the period (YYYY-MM-DD)."), QStringLiteral("DATE")),
        O(QStringLiteral("to"), Cli::tr("Last day of the period (YYYY-MM-DD)."), QStringLiteral("DATE")),
        O(QStringLiteral("commune"), Cli::tr("Only households of this commune."), QStringLiteral("NAME")),
        O(QStringLiteral("referent"), Cli::tr("Only households of this referent (login)."),
          QStringLiteral("LOGIN")),
        O(QStringLiteral("status"), Cli::tr("Only households with this status today."),
          QStringLiteral("STATUS")),
    };
    QList<O> summary = period;
    summary << O(QStringLiteral("format"), Cli::tr("json (default), csv, xlsx or pdf."),
                 QStringLiteral("FORMAT"))
            << O(QStringLiteral("out"),
                 Cli::tr("Write to this file (JSON and CSV go to the output without it)."),
                 QStringLiteral("FILE"))
            << O(QStringLiteral("disclosure"),
                 Cli::tr("internal (default) or public (small cells suppressed; coordinators)."),
                 QStringLiteral("LEVEL"));
    QList<O> dataset = period;
    dataset << O(QStringLiteral("format"), Cli::tr("csv (default) or xlsx."), QStringLiteral("FORMAT"))
            << O(QStringLiteral("out"), Cli::tr("The file to write."), QStringLiteral("FILE"));
    return {
        {QStringLiteral("cohort"), QString(),
         Cli::tr("Cohort indicators and series for a period (docs/cohort.md)."), summary, runCohort},
        {QStringLiteral("cohort dataset"), QString(),
         Cli::tr("The evaluators' pseudonymised dataset: one row per person and wave, research consent only "
                 "(coordinators)."),
         dataset, runCohortDataset},
    };
}

} // namespace cabas::cli
