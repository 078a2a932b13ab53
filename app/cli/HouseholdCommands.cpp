// cabas-cli commands of this area; see CliSupport.h.
#include "cli/CliSupport.h"

#include "common/Clock.h"
#include "common/Money.h"
#include "security/Access.h"
#include "services/HouseholdService.h"
#include "store/UserRepository.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabas::cli {

namespace {

QString csvField(QString f)
{
    if (f.contains(QLatin1Char(';')) || f.contains(QLatin1Char('"')) || f.contains(QLatin1Char('\n')))
        f = QLatin1Char('"') + f.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return f;
}

QJsonValue dateJson(const QDate& d)
{
    return d.isValid() ? QJsonValue(d.toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null);
}

int runHouseholdList(Context& c)
{
    requireNoArgument(c);
    const QString format =
        formatChoice(c.option(QStringLiteral("format")),
                     {QStringLiteral("text"), QStringLiteral("csv"), QStringLiteral("json")});
    HouseholdQuery query;
    query.text = c.option(QStringLiteral("search"));
    query.commune = c.option(QStringLiteral("commune"));
    const QString status = c.option(QStringLiteral("status"));
    if (!status.isEmpty()) {
        HouseholdStatus s;
        if (!fromCode(status, &s))
            throw UsageProblem(Cli::tr("--status must be one of candidate, enrolled, suspended, exited"));
        query.status = s;
    }
    int limit = 0;
    const QString limitText = c.option(QStringLiteral("limit"));
    if (!limitText.isEmpty()) {
        bool ok = false;
        limit = limitText.toInt(&ok);
        if (!ok || limit < 1)
            throw UsageProblem(Cli::tr("--limit must be a positive whole number, not \"%1\"").arg(limitText));
    }
    const QString referent = c.option(QStringLiteral("referent"));
    auto [db, session] = c.openAndLogin();
    if (!referent.isEmpty()) {
        const auto user = store::UserRepository(*db).findByLogin(referent.trimmed().toLower());
        if (!user)
            throw Error(Cli::tr("There is no user %1.").arg(referent), Error::Kind::NotFound);
        query.referentUserId = user->id;
    }
    const HouseholdService service(*db, session);
    const auto rows = service.search(query, limit, 0);
    const bool names = AccessPolicy::seesAddresses(session.role());
    if (format == QLatin1String("json")) {
        QJsonArray array;
        for (const HouseholdListEntry& e : rows) {
            QJsonObject o{{QStringLiteral("household_code"), e.household.code},
                          {QStringLiteral("commune"), e.household.commune},
                          {QStringLiteral("postcode"), e.household.postcode},
                          {QStringLiteral("status"), toCode(e.household.status)},
                          {QStringLiteral("enrolled_on"), dateJson(e.household.enrolledOn)},
                          {QStringLiteral("exited_on"), dateJson(e.household.exitedOn)},
                          {QStringLiteral("referent"), e.referentName},
                          {QStringLiteral("members"), e.members}};
            if (names) {
                o.insert(QStringLiteral("address"), e.household.address);
                o.insert(QStringLiteral("names"), e.names);
            }
            array.append(o);
        }
        c.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
        c.out.flush();
        return Success;
    }
    const bool csv = format == QLatin1String("csv");
    QStringList header = {QStringLiteral("household_code"), QStringLiteral("status"),
                          QStringLiteral("commune"),        QStringLiteral("postcode"),
                          QStringLiteral("enrolled_on"),    QStringLiteral("referent"),
                          QStringLiteral("members")};
    if (names)
        header << QStringLiteral("names");
    if (csv)
        c.out << header.join(QLatin1Char(';')) << '\n';
    for (const HouseholdListEntry& e : rows) {
        QStringList fields = {e.household.code,
                              csv ? toCode(e.household.status) : displayName(e.household.status),
                              e.household.commune,
                              e.household.postcode,
                              e.household.enrolledOn.toString(Qt::ISODate),
                              e.referentName,
                              QString::number(e.members)};
        if (names)
            fields << e.names;
        if (csv)
            for (QString& f : fields)
                f = csvField(f);
        c.out << fields.join(csv ? QLatin1Char(';') : QLatin1Char('\t')) << '\n';
    }
    if (!csv)
        c.err << Cli::tr("%n household(s)", nullptr, int(rows.size())) << '\n';
    c.out.flush();
    c.err.flush();
    return Success;
}

int runHouseholdShow(Context& c)
{
    const QString code = requiredArgument(c, QStringLiteral("CODE"));
    const QString format =
        formatChoice(c.option(QStringLiteral("format")), {QStringLiteral("text"), QStringLiteral("json")});
    auto [db, session] = c.openAndLogin();
    const HouseholdService service(*db, session);
    const auto household = service.find(code);
    if (!household)
        throw Error(Cli::tr("There is no household %1.").arg(code), Error::Kind::NotFound);
    const bool names = AccessPolicy::seesAddresses(session.role());
    const auto members = service.members(household->id);
    const auto cards = service.cards(household->id);
    const QDate today = Clock::instance().today();
    const AllowanceBreakdown allowance = service.allowance(household->id, today);
    QString referent;
    if (household->referentUserId)
        if (const auto u = store::UserRepository(*db).findById(household->referentUserId))
            referent = u->login;

    QJsonArray memberArray, consentArray, cardArray, historyArray;
    QHash<qint64, QString> cardTokens;
    for (const Card& card : cards)
        cardTokens.insert(card.id, card.token);
    for (const Person& p : members) {
        QJsonObject o{{QStringLiteral("person_code"), p.code},
                      {QStringLiteral("birth_date"), dateJson(p.birthDate)},
                      {QStringLiteral("sex"), toCode(p.sex)},
                      {QStringLiteral("role"), toCode(p.role)},
                      {QStringLiteral("arrived_on"), dateJson(p.arrivedOn)},
                      {QStringLiteral("left_on"), dateJson(p.leftOn)}};
        if (names) {
            o.insert(QStringLiteral("first_name"), p.firstName);
            o.insert(QStringLiteral("last_name"), p.lastName);
        }
        memberArray.append(o);
        for (const Consent& consent : service.consents(p.id))
            consentArray.append(QJsonObject{{QStringLiteral("person_code"), p.code},
                                            {QStringLiteral("purpose"), toCode(consent.purpose)},
                                            {QStringLiteral("given"), consent.given},
                                            {QStringLiteral("effective_on"), dateJson(consent.effectiveOn)}});
    }
    for (const Card& card : cards)
        cardArray.append(QJsonObject{{QStringLiteral("card_id"), card.token},
                                     {QStringLiteral("status"), toCode(card.status)},
                                     {QStringLiteral("issued_on"), dateJson(card.issuedOn)},
                                     {QStringLiteral("replaces"),
                                      card.replacesCardId ? QJsonValue(cardTokens.value(card.replacesCardId))
                                                          : QJsonValue(QJsonValue::Null)}});
    for (const HouseholdStatusEvent& e : service.statusHistory(*household))
        historyArray.append(QJsonObject{{QStringLiteral("status"), toCode(e.status)},
                                        {QStringLiteral("effective_on"), dateJson(e.effectiveOn)},
                                        {QStringLiteral("reason"), e.reason}});
    if (format == QLatin1String("json")) {
        QJsonObject o{{QStringLiteral("household_code"), household->code},
                      {QStringLiteral("status"), toCode(household->status)},
                      {QStringLiteral("commune"), household->commune},
                      {QStringLiteral("postcode"), household->postcode},
                      {QStringLiteral("referent"), referent},
                      {QStringLiteral("enrolled_on"), dateJson(household->enrolledOn)},
                      {QStringLiteral("exited_on"), dateJson(household->exitedOn)},
                      {QStringLiteral("members"), memberArray},
                      {QStringLiteral("cards"), cardArray},
                      {QStringLiteral("consents"), consentArray},
                      {QStringLiteral("status_history"), historyArray},
                      {QStringLiteral("allowance"),
                       QJsonObject{{QStringLiteral("month"), today.toString(QStringLiteral("yyyy-MM"))},
                                   {QStringLiteral("adults"), allowance.adults},
                                   {QStringLiteral("children"), allowance.children},
                                   {QStringLiteral("total_cents"), double(allowance.totalCents)}}},
                      {QStringLiteral("version"), household->version}};
        if (names) {
            o.insert(QStringLiteral("address"), household->address);
            o.insert(QStringLiteral("exit_reason"), household->exitReason);
        }
        c.out << QJsonDocument(o).toJson(QJsonDocument::Indented);
        c.out.flush();
        return Success;
    }
    c.out << Cli::tr("Household %1: %2").arg(household->code, displayName(household->status)) << '\n';
    if (names && !household->address.isEmpty())
        c.out << Cli::tr("Address: %1").arg(household->address) << '\n';
    c.out << Cli::tr("Commune: %1 %2").arg(household->postcode, household->commune) << '\n';
    if (!referent.isEmpty())
        c.out << Cli::tr("Referent: %1").arg(referent) << '\n';
    c.out << Cli::tr("Allowance for %1: %2 (%3 adult(s), %4 child(ren))")
                 .arg(today.toString(QStringLiteral("yyyy-MM")), formatCents(allowance.totalCents))
                 .arg(allowance.adults)
                 .arg(allowance.children)
          << '\n';
    c.out << Cli::tr("Members:") << '\n';
    for (const Person& p : members)
        c.out << "  " << p.code << '\t' << (names ? p.fullName() : QString()) << '\t'
              << p.birthDate.toString(Qt::ISODate) << '\t' << displayName(p.role)
              << (p.leftOn.isValid() ? Cli::tr("\tleft on %1").arg(p.leftOn.toString(Qt::ISODate))
                                     : QString())
              << '\n';
    c.out << Cli::tr("Cards:") << '\n';
    for (const Card& card : cards)
        c.out << "  " << card.token << '\t' << displayName(card.status) << '\t'
              << card.issuedOn.toString(Qt::ISODate)
              << (card.replacesCardId ? Cli::tr("\treplaces %1").arg(cardTokens.value(card.replacesCardId))
                                      : QString())
              << '\n';
    c.out.flush();
    return Success;
}

} // namespace

std::vector<Command> householdCommands()
{
    using O = QCommandLineOption;
    return {
        {QStringLiteral("household list"),
         QString(),
         Cli::tr("List the households, optionally searched and filtered (social workers, nurses, "
                 "administrators; coordinators by code only)."),
         {O(QStringLiteral("search"),
            Cli::tr("Words to find in the code, a member's name or the commune (accents and case ignored)."),
            QStringLiteral("TEXT")),
          O(QStringLiteral("status"), Cli::tr("Only candidate, enrolled, suspended or exited households."),
            QStringLiteral("STATUS")),
          O(QStringLiteral("commune"), Cli::tr("Only the households of this commune."),
            QStringLiteral("COMMUNE")),
          O(QStringLiteral("referent"), Cli::tr("Only the households this social worker follows."),
            QStringLiteral("LOGIN")),
          O(QStringLiteral("limit"), Cli::tr("At most this many households."), QStringLiteral("N")),
          O(QStringLiteral("format"), Cli::tr("text (default), csv or json."), QStringLiteral("FORMAT"))},
         runHouseholdList},
        {QStringLiteral("household show"),
         QStringLiteral("CODE"),
         Cli::tr("Show a household's case file: members, cards, consents, status history, this month's "
                 "allowance."),
         {O(QStringLiteral("format"), Cli::tr("text (default) or json."), QStringLiteral("FORMAT"))},
         runHouseholdShow},
    };
}

} // namespace cabas::cli
