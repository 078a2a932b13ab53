// cabas-cli commands of this area; see CliSupport.h.
#include "cli/CliSupport.h"

#include "common/Money.h"
#include "io/LedgerImport.h"
#include "services/LedgerService.h"
#include "services/ReconciliationService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "ledger/FeedClient.h"
#include "ledger/SyncEngine.h"

#include <QFile>
#include <atomic>
#include <csignal>

namespace cabas::cli {

namespace {

// ---- sync: pulls the card operator's ledger feed (core/ledger/SyncEngine) ----

std::atomic_bool g_syncCancel{false};

extern "C" void onSyncInterrupt(int)
{
    g_syncCancel.store(true);
}

QString readTokenFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw Error(Cli::tr("%1: cannot read the token file (%2).").arg(path, f.errorString()),
                    Error::Kind::NotFound);
    const QString token = QString::fromUtf8(f.readLine()).trimmed();
    if (token.isEmpty())
        throw Error(
            Cli::tr("%1, line 1: the token file is empty (it holds the card operator's token on its first "
                    "line).")
                .arg(path),
            Error::Kind::Invalid);
    return token;
}

int runSync(Context& c)
{
    requireNoArgument(c);
    const QString url = c.option(QStringLiteral("ledger"));
    if (url.isEmpty())
        throw UsageProblem(Cli::tr("missing --ledger URL (the card operator's feed address)"));
    const QString tokenFile = c.option(QStringLiteral("token-file"));
    if (tokenFile.isEmpty())
        throw UsageProblem(
            Cli::tr("missing --token-file FILE (the card operator's token on its first line)"));
    ledger::SyncOptions options;
    options.client.baseUrl = url;
    const QString pageSize = c.option(QStringLiteral("page-size"));
    if (!pageSize.isEmpty()) {
        bool ok = false;
        options.client.pageLimit = pageSize.toInt(&ok);
        if (!ok || options.client.pageLimit < 1 || options.client.pageLimit > 1000)
            throw UsageProblem(
                Cli::tr("--page-size must be a whole number from 1 to 1000, not \"%1\"").arg(pageSize));
    }
    ledger::FeedClient::checkUrl(url); // before asking for a password
    options.client.token = readTokenFile(tokenFile);
    const bool progress = isatty(STDERR_FILENO);
    if (progress) {
        options.progress = [&c](const ledger::SyncProgress& p) {
            c.err << Cli::tr("Sync: %1 pages, %2 cards, %3 entries").arg(p.pages).arg(p.cards).arg(p.entries)
                  << '\r';
            c.err.flush();
        };
        options.client.notice = [&c](const QString& notice) {
            c.err << Cli::tr("Sync: %1").arg(notice) << Qt::endl;
        };
    }
    g_syncCancel.store(false);
    options.cancel = &g_syncCancel;
    auto [db, session] = c.openAndLogin();
    const auto previous = std::signal(SIGINT, onSyncInterrupt);
    ledger::SyncResult r;
    try {
        r = ledger::SyncEngine(*db, session, options).run();
    } catch (...) {
        std::signal(SIGINT, previous);
        if (progress)
            c.err << Qt::endl;
        throw;
    }
    std::signal(SIGINT, previous);
    if (progress)
        c.err << Qt::endl;
    c.out << Cli::tr(
                 "Synced from %1: %2 pages, %3 cards, %4 entries received; %5 stored (%6 new, %7 revised), "
                 "%8 already up to date; %9 s.")
                 .arg(url)
                 .arg(r.pages)
                 .arg(r.cards)
                 .arg(r.entries)
                 .arg(r.stored())
                 .arg(r.newEntries)
                 .arg(r.revised)
                 .arg(r.unchanged)
                 .arg(double(r.durationMs) / 1000.0, 0, 'f', 1)
          << Qt::endl;
    if (r.retries > 0 || r.restarts > 0)
        c.out << Cli::tr("%1 requests were tried again; the feed restarted from the beginning %2 times.")
                     .arg(r.retries)
                     .arg(r.restarts)
              << Qt::endl;
    return Success;
}

std::vector<Command> syncCommands()
{
    using O = QCommandLineOption;
    return {
        {QStringLiteral("sync"),
         QString(),
         Cli::tr(
             "Pull the card operator's ledger feed: cards and entries since the last sync (administrators)."),
         {O(QStringLiteral("ledger"), Cli::tr("The feed address (https://...; http only to this computer)."),
            QStringLiteral("URL")),
          O(QStringLiteral("token-file"), Cli::tr("File with the operator's token on its first line."),
            QStringLiteral("FILE")),
          O(QStringLiteral("page-size"), Cli::tr("Entries asked per page, 1 to 1000 (default 500)."),
            QStringLiteral("N"))},
         runSync},
    };
}

// ---- end of sync ----

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

// ---- ledger reconcile: expected credits against the ledger (core/services/ReconciliationService) ----

QDate reconcileDate(const Context& c, const QString& name)
{
    const QString text = c.option(name);
    if (text.isEmpty())
        throw UsageProblem(Cli::tr("missing --%1 YYYY-MM-DD").arg(name));
    const QDate d = QDate::fromString(text, Qt::ISODate);
    if (!d.isValid())
        throw UsageProblem(Cli::tr("--%1 must be a date written YYYY-MM-DD, not \"%2\"").arg(name, text));
    return d;
}

void printDiscrepancies(Context& c, const std::vector<CreditDiscrepancy>& list, const QString& currency)
{
    for (const CreditDiscrepancy& d : list) {
        QString what;
        switch (d.problem()) {
        case CreditDiscrepancy::Problem::Missing:
            what = Cli::tr("missing");
            break;
        case CreditDiscrepancy::Problem::Duplicated:
            what = Cli::tr("duplicated (%n entries)", nullptr, int(d.entries));
            break;
        case CreditDiscrepancy::Problem::Unexpected:
            what = Cli::tr("not expected");
            break;
        case CreditDiscrepancy::Problem::Wrong:
            what = Cli::tr("wrong amount");
            break;
        }
        c.out << Cli::tr("%1 %2: expected %3, credited %4: %5")
                     .arg(d.household, d.month.toString(QStringLiteral("yyyy-MM")),
                          formatCents(d.expectedCents, currency), formatCents(d.creditedCents, currency),
                          what)
              << '\n';
    }
}

int runLedgerReconcile(Context& c)
{
    requireNoArgument(c);
    const QString format =
        formatChoice(c.option(QStringLiteral("format")), {QStringLiteral("text"), QStringLiteral("json")});
    const QDate from = reconcileDate(c, QStringLiteral("from"));
    const QDate to = reconcileDate(c, QStringLiteral("to"));
    if (to < from)
        throw UsageProblem(Cli::tr("--to (%1) is before --from (%2)")
                               .arg(to.toString(Qt::ISODate), from.toString(Qt::ISODate)));
    const bool bonus = c.parser.isSet(QStringLiteral("bonus"));
    const bool summaryOnly = c.parser.isSet(QStringLiteral("summary"));
    auto [db, session] = c.openAndLogin();
    const ReconciliationService service(*db, session);
    const ReconciliationReport report =
        summaryOnly ? service.summary(from, to, bonus) : service.reconcile(from, to, bonus);
    if (format == QLatin1String("json")) {
        c.out << QJsonDocument(summaryOnly ? report.summaryJson() : report.toJson())
                     .toJson(QJsonDocument::Indented);
        c.out.flush();
        return Success;
    }
    if (summaryOnly) {
        const QJsonObject s = report.summaryJson();
        const QJsonObject a = s.value(QStringLiteral("allowance")).toObject();
        c.out << Cli::tr(
                     "%1 to %2: %3 household-months checked; allowance: %4 missing, %5 duplicated, %6 not "
                     "expected, %7 wrong.")
                     .arg(s.value(QStringLiteral("from")).toString(),
                          s.value(QStringLiteral("to")).toString())
                     .arg(report.householdMonths)
                     .arg(a.value(QStringLiteral("missing")).toInt())
                     .arg(a.value(QStringLiteral("duplicated")).toInt())
                     .arg(a.value(QStringLiteral("unexpected")).toInt())
                     .arg(a.value(QStringLiteral("wrong")).toInt())
              << Qt::endl;
        if (report.bonusChecked) {
            const QJsonObject b = s.value(QStringLiteral("bonus")).toObject();
            c.out << Cli::tr("Bonuses: %1 missing, %2 not expected, %3 wrong.")
                         .arg(b.value(QStringLiteral("missing")).toInt())
                         .arg(b.value(QStringLiteral("unexpected")).toInt())
                         .arg(b.value(QStringLiteral("wrong")).toInt())
                  << Qt::endl;
        }
        return Success;
    }
    if (report.discrepancies.empty())
        c.out << Cli::tr("Every allowance credit of %1 household-months matches the programme's rule.")
                     .arg(report.householdMonths)
              << '\n';
    printDiscrepancies(c, report.discrepancies, report.currency);
    for (const UnassessedMonth& u : report.unassessed)
        c.out << Cli::tr("%1 %2: no income assessment, so no expected amount (credited %3)")
                     .arg(u.household, u.month.toString(QStringLiteral("yyyy-MM")),
                          formatCents(u.creditedCents, report.currency))
              << '\n';
    if (report.bonusChecked) {
        if (report.bonusDiscrepancies.empty())
            c.out << Cli::tr("Every bonus matches the programme's bonus rules.") << '\n';
        else
            c.out << Cli::tr("Bonuses:") << '\n';
        printDiscrepancies(c, report.bonusDiscrepancies, report.currency);
    }
    c.out.flush();
    return Success;
}

std::vector<Command> reconcileCommands()
{
    using O = QCommandLineOption;
    return {
        {QStringLiteral("ledger reconcile"),
         QString(),
         Cli::tr(
             "Compare each household's monthly credits in the ledger with what the programme's rule gives: "
             "missing, duplicated or wrong credits (docs/reconciliation.md)."),
         {O(QStringLiteral("from"), Cli::tr("First day of the period (its month is the first checked)."),
            QStringLiteral("DATE")),
          O(QStringLiteral("to"), Cli::tr("Last day of the period (its month is the last checked)."),
            QStringLiteral("DATE")),
          O(QStringLiteral("bonus"), Cli::tr("Also check the bonuses against the bonus rules.")),
          O(QStringLiteral("summary"), Cli::tr("Counts only, without households (coordinators).")),
          O(QStringLiteral("format"), Cli::tr("text (default) or json."), QStringLiteral("FORMAT"))},
         runLedgerReconcile},
    };
}

// ---- end of ledger reconcile ----

} // namespace

std::vector<Command> ledgerCommands()
{
    std::vector<Command> commands;
    for (auto& command : syncCommands())
        commands.push_back(std::move(command));
    for (auto& command : storedLedgerCommands())
        commands.push_back(std::move(command));
    for (auto& command : reconcileCommands())
        commands.push_back(std::move(command));
    return commands;
}

} // namespace cabas::cli
