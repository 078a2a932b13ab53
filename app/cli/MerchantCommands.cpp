// cabas-cli commands of merchant approval (issue 11): merchant list / show / approve / withdraw / refuse; see
// CliSupport.h and docs/merchants.md.
#include "cli/CliSupport.h"

#include "common/Money.h"
#include "services/MerchantService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabas::cli {

namespace {

QDate dateOption(const Context& c, const QString& name)
{
    const QString text = c.option(name);
    if (text.isEmpty())
        throw UsageProblem(Cli::tr("missing --%1 YYYY-MM-DD").arg(name));
    const QDate d = QDate::fromString(text, Qt::ISODate);
    if (!d.isValid())
        throw UsageProblem(Cli::tr("--%1 must be a date written YYYY-MM-DD, not \"%2\"").arg(name, text));
    return d;
}

QString stateText(store::MerchantState state)
{
    switch (state) {
    case store::MerchantState::Undecided:
        return Cli::tr("undecided");
    case store::MerchantState::Approved:
        return Cli::tr("approved");
    case store::MerchantState::Withdrawn:
        return Cli::tr("withdrawn");
    case store::MerchantState::Refused:
        return Cli::tr("refused");
    }
    return {};
}

QString isoOrEmpty(const QDate& d)
{
    return d.isValid() ? d.toString(Qt::ISODate) : QString();
}

QString csvField(QString text)
{
    if (text.contains(QLatin1Char(';')) || text.contains(QLatin1Char('"')) ||
        text.contains(QLatin1Char('\n')))
        return QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return text;
}

int runMerchantList(Context& c)
{
    requireNoArgument(c);
    const QString format =
        formatChoice(c.option(QStringLiteral("format")),
                     {QStringLiteral("text"), QStringLiteral("csv"), QStringLiteral("json")});
    const bool undecided = c.parser.isSet(QStringLiteral("undecided"));
    auto [db, session] = c.openAndLogin();
    const auto list = MerchantService(*db, session).list(undecided, true);
    if (format == QLatin1String("json")) {
        QJsonArray rows;
        for (const store::MerchantStatus& s : list)
            rows.append(QJsonObject{
                {QStringLiteral("id"), s.merchant.id},
                {QStringLiteral("name"), s.merchant.name},
                {QStringLiteral("category"), s.merchant.category},
                {QStringLiteral("operator_sustainable"), s.merchant.operatorSustainable},
                {QStringLiteral("state"), store::merchantStateCode(s.state)},
                {QStringLiteral("approved_from"),
                 s.approvedFrom.isValid() ? QJsonValue(isoOrEmpty(s.approvedFrom)) : QJsonValue()},
                {QStringLiteral("withdrawn_on"),
                 s.withdrawnOn.isValid() ? QJsonValue(isoOrEmpty(s.withdrawnOn)) : QJsonValue()},
                {QStringLiteral("entries"), double(s.entries)},
                {QStringLiteral("spent_cents"), double(s.spentCents)},
                {QStringLiteral("first_seen"),
                 s.firstSeen.isValid() ? QJsonValue(isoOrEmpty(s.firstSeen)) : QJsonValue()},
                {QStringLiteral("last_seen"),
                 s.lastSeen.isValid() ? QJsonValue(isoOrEmpty(s.lastSeen)) : QJsonValue()}});
        c.out << QJsonDocument(QJsonObject{{QStringLiteral("merchants"), rows}})
                     .toJson(QJsonDocument::Indented);
        c.out.flush();
        return Success;
    }
    if (format == QLatin1String("csv")) {
        QStringList lines{
            QStringLiteral("id;name;category;operator_sustainable;state;approved_from;withdrawn_on;"
                           "entries;spent_cents;first_seen;last_seen")};
        for (const store::MerchantStatus& s : list)
            lines << QStringList{csvField(s.merchant.id),
                                 csvField(s.merchant.name),
                                 csvField(s.merchant.category),
                                 s.merchant.operatorSustainable ? QStringLiteral("1") : QStringLiteral("0"),
                                 store::merchantStateCode(s.state),
                                 isoOrEmpty(s.approvedFrom),
                                 isoOrEmpty(s.withdrawnOn),
                                 QString::number(s.entries),
                                 QString::number(s.spentCents),
                                 isoOrEmpty(s.firstSeen),
                                 isoOrEmpty(s.lastSeen)}
                         .join(QLatin1Char(';'));
        c.out << lines.join(QStringLiteral("\r\n")) << "\r\n";
        c.out.flush();
        return Success;
    }
    if (list.empty())
        c.out << (undecided ? Cli::tr("No merchant is waiting for a decision.")
                            : Cli::tr("The ledger has no merchant yet."))
              << Qt::endl;
    for (const store::MerchantStatus& s : list) {
        QString state = stateText(s.state);
        if (s.state == store::MerchantState::Approved)
            state = s.withdrawnOn.isValid() ? Cli::tr("approved from %1 until %2")
                                                  .arg(isoOrEmpty(s.approvedFrom), isoOrEmpty(s.withdrawnOn))
                                            : Cli::tr("approved from %1").arg(isoOrEmpty(s.approvedFrom));
        else if (s.state == store::MerchantState::Withdrawn)
            state = Cli::tr("withdrawn on %1").arg(isoOrEmpty(s.withdrawnOn));
        c.out << Cli::tr("%1 %2 (%3; operator: %4): %5; %n entries, first %6, last %7", nullptr,
                         int(s.entries))
                     .arg(s.merchant.id, s.merchant.name,
                          s.merchant.category.isEmpty() ? Cli::tr("no category") : s.merchant.category,
                          s.merchant.operatorSustainable ? Cli::tr("sustainable")
                                                         : Cli::tr("not sustainable"),
                          state, s.firstSeen.isValid() ? isoOrEmpty(s.firstSeen) : QStringLiteral("-"),
                          s.lastSeen.isValid() ? isoOrEmpty(s.lastSeen) : QStringLiteral("-"))
              << '\n';
    }
    c.out.flush();
    return Success;
}

int runMerchantShow(Context& c)
{
    const QString id = requiredArgument(c, QStringLiteral("MERCHANT_ID"));
    const QString format =
        formatChoice(c.option(QStringLiteral("format")), {QStringLiteral("json"), QStringLiteral("text")});
    auto [db, session] = c.openAndLogin();
    const MerchantService service(*db, session);
    const QJsonObject show = service.showJson(id);
    if (format == QLatin1String("json")) {
        c.out << QJsonDocument(show).toJson(QJsonDocument::Indented);
        c.out.flush();
        return Success;
    }
    const store::MerchantStatus s = service.status(id);
    c.out << Cli::tr("%1 %2: %3").arg(s.merchant.id, s.merchant.name, stateText(s.state)) << '\n';
    for (const store::MerchantDecision& d : service.history(id)) {
        if (d.decision == QLatin1String("refused"))
            c.out
                << Cli::tr("refused by %1 on %2").arg(d.decidedBy, d.decidedAt.toUTC().toString(Qt::ISODate));
        else
            c.out << Cli::tr("approved from %1 by %2").arg(isoOrEmpty(d.approvedFrom), d.decidedBy);
        if (!d.note.isEmpty())
            c.out << " (" << d.note << ')';
        if (d.withdrawnOn.isValid()) {
            c.out << "; " << Cli::tr("withdrawn on %1 by %2").arg(isoOrEmpty(d.withdrawnOn), d.withdrawnBy);
            if (!d.withdrawalNote.isEmpty())
                c.out << " (" << d.withdrawalNote << ')';
        }
        c.out << '\n';
    }
    c.out.flush();
    return Success;
}

int runMerchantApprove(Context& c)
{
    const QString id = requiredArgument(c, QStringLiteral("MERCHANT_ID"));
    const QDate from = dateOption(c, QStringLiteral("from"));
    auto [db, session] = c.openAndLogin();
    MerchantService(*db, session).approve(id, from, c.option(QStringLiteral("note")));
    c.out << Cli::tr("Merchant %1 approved from %2.").arg(id, from.toString(Qt::ISODate)) << Qt::endl;
    return Success;
}

int runMerchantWithdraw(Context& c)
{
    const QString id = requiredArgument(c, QStringLiteral("MERCHANT_ID"));
    const QDate on = dateOption(c, QStringLiteral("on"));
    auto [db, session] = c.openAndLogin();
    MerchantService(*db, session).withdraw(id, on, c.option(QStringLiteral("note")));
    c.out << Cli::tr("Approval of merchant %1 withdrawn on %2.").arg(id, on.toString(Qt::ISODate))
          << Qt::endl;
    return Success;
}

int runMerchantRefuse(Context& c)
{
    const QString id = requiredArgument(c, QStringLiteral("MERCHANT_ID"));
    auto [db, session] = c.openAndLogin();
    MerchantService(*db, session).refuse(id, c.option(QStringLiteral("note")));
    c.out << Cli::tr("Merchant %1 refused.").arg(id) << Qt::endl;
    return Success;
}

} // namespace

std::vector<Command> merchantCommands()
{
    using O = QCommandLineOption;
    const O note(QStringLiteral("note"), Cli::tr("The committee's note or reason."), QStringLiteral("TEXT"));
    return {
        {QStringLiteral("merchant list"),
         QString(),
         Cli::tr("Merchants seen in the ledger, with the committee's decision and their entries."),
         {O(QStringLiteral("undecided"), Cli::tr("Only the merchants with no decision yet.")),
          O(QStringLiteral("format"), Cli::tr("text (default), csv or json."), QStringLiteral("FORMAT"))},
         runMerchantList},
        {QStringLiteral("merchant show"),
         QStringLiteral("MERCHANT_ID"),
         Cli::tr("One merchant and the history of the committee's decisions."),
         {O(QStringLiteral("format"), Cli::tr("json (default) or text."), QStringLiteral("FORMAT"))},
         runMerchantShow},
        {QStringLiteral("merchant approve"),
         QStringLiteral("MERCHANT_ID"),
         Cli::tr("Approve a merchant: its purchases count as sustainable from a date on (administrators)."),
         {O(QStringLiteral("from"), Cli::tr("The first day of the approval."), QStringLiteral("YYYY-MM-DD")),
          note},
         runMerchantApprove},
        {QStringLiteral("merchant withdraw"),
         QStringLiteral("MERCHANT_ID"),
         Cli::tr("Withdraw a merchant's approval: from that day on its purchases no longer count as "
                 "sustainable (administrators)."),
         {O(QStringLiteral("on"), Cli::tr("The first day without the approval."),
            QStringLiteral("YYYY-MM-DD")),
          note},
         runMerchantWithdraw},
        {QStringLiteral("merchant refuse"),
         QStringLiteral("MERCHANT_ID"),
         Cli::tr("Record the committee's refusal of a merchant: its purchases do not count as sustainable "
                 "(administrators)."),
         {note},
         runMerchantRefuse},
    };
}

} // namespace cabas::cli
