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
            o.insert(QStringLiteral("departure_reason"),
                     p.leftOn.isValid() ? QJsonValue(p.departureReason) : QJsonValue(QJsonValue::Null));
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
              << (p.leftOn.isValid() && names && !p.departureReason.isEmpty()
                      ? QStringLiteral(" (%1)").arg(p.departureReason)
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

// A date option in ISO form (YYYY-MM-DD), required.
QDate dateOption(const Context& c, const QString& name)
{
    const QString text = c.option(name).trimmed();
    if (text.isEmpty())
        throw UsageProblem(Cli::tr("missing option --%1 YYYY-MM-DD").arg(name));
    const QDate d = QDate::fromString(text, Qt::ISODate);
    if (!d.isValid())
        throw UsageProblem(Cli::tr("--%1 must be a date YYYY-MM-DD, not \"%2\"").arg(name, text));
    return d;
}

// Saves member edits of a household as the case file does (checked, version-checked, audited, all or
// nothing); someone saving the household at the same moment makes it fail, nothing written.
void saveMembers(const HouseholdService& service, const Household& household, std::vector<MemberEdit>& edits)
{
    Household mine = household;
    if (const auto conflict = service.save(mine, household, edits))
        throw Error(
            Cli::tr("Household %1 was changed by someone else meanwhile; nothing was written, try again.")
                .arg(household.code),
            Error::Kind::Conflict);
}

// cabas-cli household depart CODE PERSON --on DATE --reason TEXT
int runHouseholdDepart(Context& c)
{
    const QStringList args = c.arguments();
    if (args.size() != 2)
        throw UsageProblem(
            args.size() < 2 ? Cli::tr("missing argument: %1")
                                  .arg(args.isEmpty() ? QStringLiteral("CODE") : QStringLiteral("PERSON"))
                            : Cli::tr("unexpected argument \"%1\"").arg(args.mid(2).join(QLatin1Char(' '))));
    const QDate on = dateOption(c, QStringLiteral("on"));
    const QString reason = c.option(QStringLiteral("reason")).trimmed();
    if (reason.isEmpty())
        throw UsageProblem(Cli::tr("missing option --reason TEXT: a departure needs its reason"));
    auto [db, session] = c.openAndLogin();
    const HouseholdService service(*db, session);
    const auto household = service.find(args.at(0));
    if (!household)
        throw Error(Cli::tr("There is no household %1.").arg(args.at(0)), Error::Kind::NotFound);
    std::optional<Person> member;
    for (const Person& p : service.members(household->id))
        if (p.code.compare(args.at(1), Qt::CaseInsensitive) == 0)
            member = p;
    if (!member)
        throw Error(Cli::tr("%1 is not a member of household %2.").arg(args.at(1), household->code),
                    Error::Kind::NotFound);
    if (member->leftOn.isValid())
        throw Error(Cli::tr("%1 already left household %2 on %3.")
                        .arg(member->code, household->code, member->leftOn.toString(Qt::ISODate)),
                    Error::Kind::Invalid);
    MemberEdit edit;
    edit.base = *member;
    edit.mine = *member;
    edit.mine.leftOn = on;
    edit.departureReason = reason;
    std::vector<MemberEdit> edits{edit};
    saveMembers(service, *household, edits);
    c.out
        << Cli::tr("%1 left household %2 on %3.").arg(member->code, household->code, on.toString(Qt::ISODate))
        << '\n';
    c.out.flush();
    return Success;
}

// cabas-cli household arrive CODE --first-name F --last-name L --birth-date D --on DATE [--role R] [--sex S]
int runHouseholdArrive(Context& c)
{
    const QString code = requiredArgument(c, QStringLiteral("CODE"));
    Person p;
    p.firstName = c.option(QStringLiteral("first-name")).trimmed();
    p.lastName = c.option(QStringLiteral("last-name")).trimmed();
    if (p.firstName.isEmpty() || p.lastName.isEmpty())
        throw UsageProblem(Cli::tr("an arrival needs --first-name and --last-name"));
    p.birthDate = dateOption(c, QStringLiteral("birth-date"));
    p.arrivedOn = dateOption(c, QStringLiteral("on"));
    const QString role = c.option(QStringLiteral("role")).trimmed();
    if (!role.isEmpty() && !fromCode(role, &p.role))
        throw UsageProblem(Cli::tr("--role must be adult or child, not \"%1\"").arg(role));
    const QString sex = c.option(QStringLiteral("sex")).trimmed();
    if (!sex.isEmpty() && !fromCode(sex, &p.sex))
        throw UsageProblem(Cli::tr("--sex must be F or M, not \"%1\"").arg(sex));
    auto [db, session] = c.openAndLogin();
    const HouseholdService service(*db, session);
    const auto household = service.find(code);
    if (!household)
        throw Error(Cli::tr("There is no household %1.").arg(code), Error::Kind::NotFound);
    p.householdId = household->id;
    MemberEdit edit;
    edit.mine = p;
    std::vector<MemberEdit> edits{edit};
    saveMembers(service, *household, edits);
    c.out << Cli::tr("%1 (%2) arrived in household %3 on %4.")
                 .arg(edits.front().mine.fullName(), edits.front().mine.code, household->code,
                      p.arrivedOn.toString(Qt::ISODate))
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
        {QStringLiteral("household depart"),
         QStringLiteral("CODE PERSON"),
         Cli::tr("Record that a member left the household, with the date and the reason (social workers)."),
         {O(QStringLiteral("on"), Cli::tr("The day the member left (YYYY-MM-DD)."), QStringLiteral("DATE")),
          O(QStringLiteral("reason"), Cli::tr("Why the member left (required)."), QStringLiteral("TEXT"))},
         runHouseholdDepart},
        {QStringLiteral("household arrive"),
         QStringLiteral("CODE"),
         Cli::tr("Record a new member arriving in the household (social workers); prints the person code."),
         {O(QStringLiteral("first-name"), Cli::tr("First name."), QStringLiteral("NAME")),
          O(QStringLiteral("last-name"), Cli::tr("Last name."), QStringLiteral("NAME")),
          O(QStringLiteral("birth-date"), Cli::tr("Birth date (YYYY-MM-DD)."), QStringLiteral("DATE")),
          O(QStringLiteral("on"), Cli::tr("The day the member arrived (YYYY-MM-DD)."),
            QStringLiteral("DATE")),
          O(QStringLiteral("role"), Cli::tr("adult (default) or child."), QStringLiteral("ROLE")),
          O(QStringLiteral("sex"), Cli::tr("F or M (default: not given)."), QStringLiteral("SEX"))},
         runHouseholdArrive},
    };
}

} // namespace cabas::cli
