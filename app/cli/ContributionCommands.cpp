// cabas-cli commands of member contributions (issue 11): contribution set / pay / show / arrears; see
// CliSupport.h and docs/contributions.md.
#include "cli/CliSupport.h"

#include "common/Clock.h"
#include "common/Money.h"
#include "io/Csv.h"
#include "services/ContributionService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace cabas::cli {

namespace {

// "--amount 12,50", "--amount 12.50" or "--amount '12,50 EUR'" (a currency label after the number: it must be
// the programme's contribution currency, which the service checks).
std::pair<qint64, QString> amountOption(const Context& c)
{
    const QString text = c.option(QStringLiteral("amount")).trimmed();
    if (text.isEmpty())
        throw UsageProblem(Cli::tr("missing --amount N (for example 12,50 or \"12,50 EUR\")"));
    static const QRegularExpression pattern(QStringLiteral("^(\\S+?)\\s*([A-Za-z\\x{20AC}]*)$"));
    const auto match = pattern.match(text);
    qint64 cents = 0;
    if (!match.hasMatch() || !parseCents(match.captured(1), &cents))
        throw UsageProblem(
            Cli::tr("--amount must be an amount such as 12,50 or \"12,50 EUR\", not \"%1\"").arg(text));
    QString currency = match.captured(2);
    if (currency == QStringLiteral("\u20AC"))
        currency = QStringLiteral("EUR");
    return {cents, currency};
}

QDate monthOption(const Context& c, const QString& name, bool required)
{
    const QString text = c.option(name);
    if (text.isEmpty()) {
        if (required)
            throw UsageProblem(Cli::tr("missing --%1 YYYY-MM").arg(name));
        return {};
    }
    const QDate d = QDate::fromString(text, QStringLiteral("yyyy-MM"));
    if (!d.isValid())
        throw UsageProblem(Cli::tr("--%1 must be a month written YYYY-MM, not \"%2\"").arg(name, text));
    return d;
}

int runContributionSet(Context& c)
{
    const QString code = requiredArgument(c, QStringLiteral("HOUSEHOLD_CODE"));
    const auto [cents, currency] = amountOption(c);
    const QDate from = monthOption(c, QStringLiteral("from"), true);
    auto [db, session] = c.openAndLogin();
    const ContributionService service(*db, session);
    const ContributionChoice choice =
        service.choose(code, cents, currency, from, c.option(QStringLiteral("note")));
    c.out << Cli::tr("Contribution of %1: %2 a month from %3.")
                 .arg(code, formatCents(choice.monthlyCents, choice.currency),
                      choice.fromMonth.toString(QStringLiteral("yyyy-MM")))
          << Qt::endl;
    return Success;
}

int runContributionPay(Context& c)
{
    const QString code = requiredArgument(c, QStringLiteral("HOUSEHOLD_CODE"));
    const auto [cents, currency] = amountOption(c);
    const QString on = c.option(QStringLiteral("on"));
    QDate paidOn = Clock::instance().today();
    if (!on.isEmpty()) {
        paidOn = QDate::fromString(on, Qt::ISODate);
        if (!paidOn.isValid())
            throw UsageProblem(Cli::tr("--on must be a date written YYYY-MM-DD, not \"%1\"").arg(on));
    }
    auto [db, session] = c.openAndLogin();
    const ContributionService service(*db, session);
    const ContributionPayment p =
        service.pay(code, cents, currency, paidOn, c.option(QStringLiteral("note")));
    const ContributionAccount account =
        service.maySee(session.role()) ? service.account(code) : ContributionAccount{};
    c.out << Cli::tr("Payment of %1 by %2 recorded on %3.")
                 .arg(formatCents(p.amountCents, p.currency), code, p.paidOn.toString(Qt::ISODate));
    if (account.balanceCents > 0)
        c.out << ' ' << Cli::tr("Still owed: %1.").arg(formatCents(account.balanceCents, p.currency));
    c.out << Qt::endl;
    return Success;
}

QJsonObject accountJson(const ContributionAccount& a)
{
    QJsonArray choices, payments, months;
    for (const ContributionChoice& ch : a.choices)
        choices.append(QJsonObject{{QStringLiteral("from"), ch.fromMonth.toString(QStringLiteral("yyyy-MM"))},
                                   {QStringLiteral("monthly_cents"), double(ch.monthlyCents)},
                                   {QStringLiteral("currency"), ch.currency},
                                   {QStringLiteral("chosen_by"), ch.chosenBy},
                                   {QStringLiteral("recorded_at"), ch.recordedAt.toString(Qt::ISODateWithMs)},
                                   {QStringLiteral("note"), ch.note}});
    for (const ContributionPayment& p : a.payments)
        payments.append(QJsonObject{{QStringLiteral("on"), p.paidOn.toString(Qt::ISODate)},
                                    {QStringLiteral("amount_cents"), double(p.amountCents)},
                                    {QStringLiteral("currency"), p.currency},
                                    {QStringLiteral("recorded_by"), p.recordedBy},
                                    {QStringLiteral("recorded_at"), p.recordedAt.toString(Qt::ISODateWithMs)},
                                    {QStringLiteral("note"), p.note}});
    for (const ContributionMonth& m : a.months)
        months.append(QJsonObject{{QStringLiteral("month"), m.month.toString(QStringLiteral("yyyy-MM"))},
                                  {QStringLiteral("expected_cents"), double(m.expectedCents)},
                                  {QStringLiteral("paid_cents"), double(m.paidCents)},
                                  {QStringLiteral("difference_cents"), double(m.differenceCents())},
                                  {QStringLiteral("balance_cents"), double(m.balanceCents)}});
    return {{QStringLiteral("household"), a.householdCode},
            {QStringLiteral("currency"), a.rule.currency},
            {QStringLiteral("monthly_cents"), double(a.currentMonthlyCents)},
            {QStringLiteral("arrears_cents"), double(a.arrearsCents())},
            {QStringLiteral("balance_cents"), double(a.balanceCents)},
            {QStringLiteral("choices"), choices},
            {QStringLiteral("payments"), payments},
            {QStringLiteral("months"), months}};
}

int runContributionShow(Context& c)
{
    const QString code = requiredArgument(c, QStringLiteral("HOUSEHOLD_CODE"));
    const QString format =
        formatChoice(c.option(QStringLiteral("format")), {QStringLiteral("text"), QStringLiteral("json")});
    const QDate month = monthOption(c, QStringLiteral("month"), false);
    auto [db, session] = c.openAndLogin();
    const ContributionAccount a = ContributionService(*db, session).account(code, month);
    if (format == QLatin1String("json")) {
        c.out << QJsonDocument(accountJson(a)).toJson(QJsonDocument::Indented);
        c.out.flush();
        return Success;
    }
    const QString& cur = a.rule.currency;
    c.out << Cli::tr("Contributions of %1: %2 a month now; %3")
                 .arg(code, formatCents(a.currentMonthlyCents, cur),
                      a.balanceCents > 0 ? Cli::tr("%1 owed").arg(formatCents(a.balanceCents, cur))
                                         : Cli::tr("nothing owed"))
          << '\n';
    c.out << Cli::tr("Amounts chosen:") << '\n';
    for (const ContributionChoice& ch : a.choices)
        c.out << "  "
              << Cli::tr("from %1: %2 a month (by %3)")
                     .arg(ch.fromMonth.toString(QStringLiteral("yyyy-MM")),
                          formatCents(ch.monthlyCents, ch.currency), ch.chosenBy)
              << '\n';
    c.out << Cli::tr("Payments:") << '\n';
    for (const ContributionPayment& p : a.payments)
        c.out << "  "
              << Cli::tr("%1: %2 (recorded by %3)")
                     .arg(p.paidOn.toString(Qt::ISODate), formatCents(p.amountCents, p.currency),
                          p.recordedBy)
              << '\n';
    c.out << Cli::tr("Month     expected   paid   balance") << '\n';
    for (const ContributionMonth& m : a.months)
        c.out << "  " << m.month.toString(QStringLiteral("yyyy-MM")) << "  "
              << formatCents(m.expectedCents, cur) << "  " << formatCents(m.paidCents, cur) << "  "
              << formatCents(m.balanceCents, cur) << '\n';
    c.out.flush();
    return Success;
}

int runContributionArrears(Context& c)
{
    requireNoArgument(c);
    const QString format =
        formatChoice(c.option(QStringLiteral("format")),
                     {QStringLiteral("text"), QStringLiteral("json"), QStringLiteral("csv")});
    const QDate month = monthOption(c, QStringLiteral("month"), false);
    auto [db, session] = c.openAndLogin();
    const ContributionService service(*db, session);
    const auto list = service.arrears(month);
    const QString currency = service.rule().currency;
    const QDate shown = month.isValid() ? month : Clock::instance().today();
    const QString monthText = shown.toString(QStringLiteral("yyyy-MM"));
    if (format == QLatin1String("json")) {
        QJsonArray rows;
        for (const ContributionArrears& a : list)
            rows.append(QJsonObject{
                {QStringLiteral("household"), a.householdCode},
                {QStringLiteral("monthly_cents"), double(a.monthlyCents)},
                {QStringLiteral("arrears_cents"), double(a.arrearsCents)},
                {QStringLiteral("months_owed"), a.monthsOwed},
                {QStringLiteral("last_paid_on"),
                 a.lastPaidOn.isValid() ? QJsonValue(a.lastPaidOn.toString(Qt::ISODate)) : QJsonValue()}});
        c.out << QJsonDocument(QJsonObject{{QStringLiteral("month"), monthText},
                                           {QStringLiteral("currency"), currency},
                                           {QStringLiteral("households"), rows}})
                     .toJson(QJsonDocument::Indented);
        c.out.flush();
        return Success;
    }
    if (format == QLatin1String("csv")) {
        QStringList lines{QStringLiteral("household;monthly_cents;arrears_cents;months_owed;last_paid_on")};
        for (const ContributionArrears& a : list)
            lines << QStringLiteral("%1;%2;%3;%4;%5")
                         .arg(a.householdCode)
                         .arg(a.monthlyCents)
                         .arg(a.arrearsCents)
                         .arg(a.monthsOwed)
                         .arg(a.lastPaidOn.toString(Qt::ISODate));
        c.out << lines.join(QStringLiteral("\r\n")) << "\r\n";
        c.out.flush();
        return Success;
    }
    if (list.empty())
        c.out << Cli::tr("No household owes contributions at the end of %1.").arg(monthText) << Qt::endl;
    for (const ContributionArrears& a : list)
        c.out << Cli::tr("%1: %2 owed (%n month(s)), %3 a month, last paid %4", nullptr, a.monthsOwed)
                     .arg(a.householdCode, formatCents(a.arrearsCents, currency),
                          formatCents(a.monthlyCents, currency),
                          a.lastPaidOn.isValid() ? a.lastPaidOn.toString(Qt::ISODate) : Cli::tr("never"))
              << '\n';
    c.out.flush();
    return Success;
}

} // namespace

std::vector<Command> contributionCommands()
{
    using O = QCommandLineOption;
    const O format(QStringLiteral("format"), Cli::tr("text (default) or json."), QStringLiteral("FORMAT"));
    return {
        {QStringLiteral("contribution set"),
         QStringLiteral("HOUSEHOLD_CODE"),
         Cli::tr(
             "Record the contribution a household chose to pay a month, from a month on (social workers)."),
         {O(QStringLiteral("amount"),
            Cli::tr("Amount a month, such as 12,50 (in the programme's contribution "
                    "currency; a label after it is checked)."),
            QStringLiteral("AMOUNT")),
          O(QStringLiteral("from"), Cli::tr("The month from which it applies."), QStringLiteral("YYYY-MM")),
          O(QStringLiteral("note"), Cli::tr("A short note."), QStringLiteral("TEXT"))},
         runContributionSet},
        {QStringLiteral("contribution pay"),
         QStringLiteral("HOUSEHOLD_CODE"),
         Cli::tr("Record a contribution payment received from a household (social workers)."),
         {O(QStringLiteral("amount"), Cli::tr("Amount paid, such as 12,50."), QStringLiteral("AMOUNT")),
          O(QStringLiteral("on"), Cli::tr("Date of the payment (default: today)."), QStringLiteral("DATE")),
          O(QStringLiteral("note"), Cli::tr("A short note."), QStringLiteral("TEXT"))},
         runContributionPay},
        {QStringLiteral("contribution show"),
         QStringLiteral("HOUSEHOLD_CODE"),
         Cli::tr("A household's contributions: amounts chosen, payments, and month by month what is owed."),
         {format, O(QStringLiteral("month"), Cli::tr("Up to this month (default: this month)."),
                    QStringLiteral("YYYY-MM"))},
         runContributionShow},
        {QStringLiteral("contribution arrears"),
         QString(),
         Cli::tr("Households owing contributions at the end of a month (not for coordinators)."),
         {O(QStringLiteral("month"), Cli::tr("The month (default: this month)."), QStringLiteral("YYYY-MM")),
          O(QStringLiteral("format"), Cli::tr("text (default), json or csv."), QStringLiteral("FORMAT"))},
         runContributionArrears},
    };
}

} // namespace cabas::cli
