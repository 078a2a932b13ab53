// cabas-cli commands of this area; see CliSupport.h.
#include "cli/CliSupport.h"

#include "common/Money.h"
#include "io/LedgerImport.h"
#include "services/LedgerService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabas::cli {

namespace {

// ---- import ledger, ledger summary / unlinked / link: the stored ledger (core/services/LedgerService) ----

int runImportLedger(Context& c)
{
    const QString file = requiredArgument(c, QStringLiteral("FILE")); // a usage error before the password
    const bool dryRun = c.parser.isSet(QStringLiteral("dry-run"));
    auto [db, session] = c.openAndLogin();
    io::LedgerImport import(*db, session);
    io::LedgerImportReport report = dryRun ? import.check(file) : import.run(file);
    for (const QString& w : report.warnings)
        c.err << Cli::tr("warning: %1").arg(w) << '\n';
    if (!report.ok()) {
        c.err << report.errors.join(QLatin1Char('\n')) << '\n'
              << Cli::tr("Nothing was imported.") << Qt::endl;
        return Failure;
    }
    c.out << (dryRun ? Cli::tr("Check only, nothing written. %1") : Cli::tr("Imported. %1"))
                 .arg(report.summary())
          << Qt::endl;
    return Success;
}

int runLedgerSummary(Context& c)
{
    requireNoArgument(c);
    const QString format = formatChoice(c.option(QStringLiteral("format")), {QStringLiteral("json")});
    Q_UNUSED(format);
    auto [db, session] = c.openAndLogin();
    c.out << QJsonDocument(LedgerService(*db, session).summary()).toJson(QJsonDocument::Indented);
    c.out.flush();
    return Success;
}

int runLedgerUnlinked(Context& c)
{
    requireNoArgument(c);
    const QString format =
        formatChoice(c.option(QStringLiteral("format")), {QStringLiteral("text"), QStringLiteral("json")});
    auto [db, session] = c.openAndLogin();
    const auto cards = LedgerService(*db, session).unlinkedCards();
    if (format == QLatin1String("json")) {
        QJsonArray array;
        for (const store::UnlinkedCard& u : cards)
            array.append(QJsonObject{{QStringLiteral("card"), u.card},
                                     {QStringLiteral("account"), u.account},
                                     {QStringLiteral("entries"), u.entries},
                                     {QStringLiteral("posted_cents"), u.sumCents},
                                     {QStringLiteral("first_date"), u.firstDate.toString(Qt::ISODate)},
                                     {QStringLiteral("last_date"), u.lastDate.toString(Qt::ISODate)},
                                     {QStringLiteral("known_to_operator"), u.knownToOperator}});
        c.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
        c.out.flush();
        return Success;
    }
    if (cards.empty()) {
        c.out << Cli::tr("Every card of the ledger belongs to a household.") << Qt::endl;
        return Success;
    }
    for (const store::UnlinkedCard& u : cards) {
        QString line = Cli::tr("%1: %n entries", nullptr, int(u.entries)).arg(u.card);
        if (u.entries > 0)
            line += Cli::tr(", %1 posted, %2 to %3")
                        .arg(formatCents(u.sumCents), u.firstDate.toString(Qt::ISODate),
                             u.lastDate.toString(Qt::ISODate));
        if (!u.account.isEmpty())
            line += Cli::tr(", account %1 unknown").arg(u.account);
        c.out << line << '\n';
    }
    c.out.flush();
    return Success;
}

int runLedgerLink(Context& c)
{
    const QStringList args = c.arguments();
    if (args.size() != 2)
        throw UsageProblem(Cli::tr("expected CARD HOUSEHOLD_CODE"));
    auto [db, session] = c.openAndLogin();
    LedgerService(*db, session).linkCard(args.at(0), args.at(1));
    c.out << Cli::tr("Card %1 linked to household %2.").arg(args.at(0), args.at(1)) << Qt::endl;
    return Success;
}

std::vector<Command> storedLedgerCommands()
{
    using O = QCommandLineOption;
    return {
        {QStringLiteral("import ledger"),
         QStringLiteral("FILE"),
         Cli::tr("Import a card operator's ledger export (CSV): all or nothing, located errors, the highest "
                 "revision wins (administrators)."),
         {O(QStringLiteral("dry-run"),
            Cli::tr("Check the file and say what would change, without writing."))},
         runImportLedger},
        {QStringLiteral("ledger summary"),
         QString(),
         Cli::tr("Counts and sums of the stored ledger by kind and status, each entry once at its latest "
                 "revision."),
         {O(QStringLiteral("format"), Cli::tr("Output format: json."), QStringLiteral("FORMAT"))},
         runLedgerSummary},
        {QStringLiteral("ledger unlinked"),
         QString(),
         Cli::tr("Cards of the ledger that no household claims yet."),
         {O(QStringLiteral("format"), Cli::tr("Output format: text or json."), QStringLiteral("FORMAT"))},
         runLedgerUnlinked},
        {QStringLiteral("ledger link"),
         QStringLiteral("CARD HOUSEHOLD_CODE"),
         Cli::tr("Link a card of the ledger to a household by hand; its entries follow (social workers)."),
         {},
         runLedgerLink},
    };
}

// ---- end of import ledger, ledger summary / unlinked / link ----

} // namespace

std::vector<Command> ledgerCommands()
{
    std::vector<Command> commands;
    for (auto& command : storedLedgerCommands())
        commands.push_back(std::move(command));
    return commands;
}

} // namespace cabas::cli
