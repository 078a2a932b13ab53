// cabas-cli commands of the health follow-up beyond imports and the work list: prevention steps and
// individual support sessions (nurses); see CliSupport.h.
#include "cli/CliSupport.h"

#include "io/Csv.h"
#include "services/HealthService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabas::cli {

namespace {

QDate dateOption(const Context& c, const QString& name, bool required)
{
    const QString text = c.option(name);
    if (text.isEmpty()) {
        if (required)
            throw UsageProblem(Cli::tr("--%1 DATE is required").arg(name));
        return QDate();
    }
    const auto date = io::parseCsvDate(text);
    if (!date)
        throw UsageProblem(Cli::tr("--%1: \"%2\" is not a date (YYYY-MM-DD)").arg(name, text));
    return *date;
}

QString csvField(QString f)
{
    if (f.contains(QLatin1Char(';')) || f.contains(QLatin1Char('"')) || f.contains(QLatin1Char('\n')))
        f = QLatin1Char('"') + f.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return f;
}

QString isoDate(const QDate& d)
{
    return d.isValid() ? d.toString(Qt::ISODate) : QString();
}

// Prints rows as text (tab-separated), csv (with a header) or json (objects keyed by the header).
void printRows(Context& c, const QString& format, const QStringList& header, const QList<QStringList>& rows)
{
    if (format == QLatin1String("json")) {
        QJsonArray array;
        for (const QStringList& row : rows) {
            QJsonObject o;
            for (int i = 0; i < header.size(); ++i)
                o.insert(header.at(i),
                         row.at(i).isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(row.at(i)));
            array.append(o);
        }
        c.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else if (format == QLatin1String("csv")) {
        c.out << header.join(QLatin1Char(';')) << '\n';
        for (const QStringList& row : rows) {
            QStringList out;
            for (const QString& f : row)
                out << csvField(f);
            c.out << out.join(QLatin1Char(';')) << '\n';
        }
    } else {
        for (const QStringList& row : rows)
            c.out << row.join(QLatin1Char('\t')) << '\n';
    }
    c.out.flush();
}

int runPreventionAdd(Context& c)
{
    const QString person = requiredArgument(c, QStringLiteral("PERSON_CODE"));
    PreventionStep step;
    step.doneOn = dateOption(c, QStringLiteral("date"), true);
    const QString type = c.option(QStringLiteral("type"));
    if (type.isEmpty() || !fromCode(type, &step.type)) {
        QStringList codes;
        for (PreventionType t : allPreventionTypes())
            codes << toCode(t);
        throw UsageProblem(Cli::tr("--type must be one of %1").arg(codes.join(QStringLiteral(", "))));
    }
    step.partner = c.option(QStringLiteral("partner"));
    step.outcome = c.option(QStringLiteral("outcome"));
    step.nextDueOn = dateOption(c, QStringLiteral("next-due"), false);
    step.notes = c.option(QStringLiteral("notes"));
    auto [db, session] = c.openAndLogin();
    HealthService(*db, session).recordPreventionStep(person, step);
    c.out << Cli::tr("Prevention step recorded for %1.").arg(person) << '\n';
    c.out.flush();
    return Success;
}

int runPreventionList(Context& c)
{
    const QString person = requiredArgument(c, QStringLiteral("PERSON_CODE"));
    const QString format =
        formatChoice(c.option(QStringLiteral("format")),
                     {QStringLiteral("text"), QStringLiteral("csv"), QStringLiteral("json")});
    auto [db, session] = c.openAndLogin();
    const auto result = HealthService(*db, session).preventionSteps(person);
    if (result.consentWithdrawn)
        c.err << Cli::tr("Note: %1 withdrew the health follow-up consent; no new record can be made.")
                     .arg(person)
              << '\n';
    QList<QStringList> rows;
    for (const PreventionStep& s : result.steps)
        rows << QStringList{isoDate(s.doneOn),
                            format == QLatin1String("text") ? displayName(s.type) : toCode(s.type),
                            s.partner,
                            s.outcome,
                            isoDate(s.nextDueOn),
                            s.notes};
    printRows(c, format,
              {QStringLiteral("date"), QStringLiteral("type"), QStringLiteral("partner"),
               QStringLiteral("outcome"), QStringLiteral("next_due"), QStringLiteral("notes")},
              rows);
    return Success;
}

int runSupportAdd(Context& c)
{
    const QString household = c.option(QStringLiteral("household"));
    const QStringList args = c.arguments();
    if (household.isEmpty() == args.isEmpty() || args.size() > 1)
        throw UsageProblem(Cli::tr("give either a PERSON_CODE or --household CODE"));
    SupportSession s;
    s.heldOn = dateOption(c, QStringLiteral("date"), true);
    s.topic = c.option(QStringLiteral("topic"));
    if (s.topic.trimmed().isEmpty())
        throw UsageProblem(Cli::tr("--topic TEXT is required"));
    s.notes = c.option(QStringLiteral("notes"));
    auto [db, session] = c.openAndLogin();
    const HealthService health(*db, session);
    if (household.isEmpty())
        health.recordSupportSession(args.first(), s);
    else
        health.recordHouseholdSupportSession(household, s);
    c.out << Cli::tr("Support session recorded for %1.").arg(household.isEmpty() ? args.first() : household)
          << '\n';
    c.out.flush();
    return Success;
}

int runSupportList(Context& c)
{
    const QString person = requiredArgument(c, QStringLiteral("PERSON_CODE"));
    const QString format =
        formatChoice(c.option(QStringLiteral("format")),
                     {QStringLiteral("text"), QStringLiteral("csv"), QStringLiteral("json")});
    auto [db, session] = c.openAndLogin();
    const auto result = HealthService(*db, session).supportSessions(person);
    QList<QStringList> rows;
    for (const SupportSession& s : result.sessions)
        rows << QStringList{isoDate(s.heldOn),
                            s.personId == 0 ? QStringLiteral("household") : QStringLiteral("person"), s.topic,
                            s.notes};
    printRows(
        c, format,
        {QStringLiteral("date"), QStringLiteral("with"), QStringLiteral("topic"), QStringLiteral("notes")},
        rows);
    return Success;
}

} // namespace

std::vector<Command> healthCommands()
{
    using O = QCommandLineOption;
    const O format(QStringLiteral("format"), Cli::tr("text (default), csv or json."),
                   QStringLiteral("FORMAT"));
    const O notes(QStringLiteral("notes"), Cli::tr("Notes."), QStringLiteral("TEXT"));
    return {
        {QStringLiteral("prevention add"),
         QStringLiteral("PERSON_CODE"),
         Cli::tr("Record a prevention step for a person (nurses; health follow-up consent on its date)."),
         {O(QStringLiteral("date"), Cli::tr("The date of the step (YYYY-MM-DD)."), QStringLiteral("DATE")),
          O(QStringLiteral("type"),
            Cli::tr("screening_referral, vaccination, dental, nutrition_advice, physical_activity or other."),
            QStringLiteral("TYPE")),
          O(QStringLiteral("partner"), Cli::tr("The partner: CPAM, ARS, MSA, CAF, GP ..."),
            QStringLiteral("NAME")),
          O(QStringLiteral("outcome"), Cli::tr("What came of it."), QStringLiteral("TEXT")),
          O(QStringLiteral("next-due"), Cli::tr("When the next step is due (YYYY-MM-DD)."),
            QStringLiteral("DATE")),
          notes},
         runPreventionAdd},
        {QStringLiteral("prevention list"),
         QStringLiteral("PERSON_CODE"),
         Cli::tr("A person's prevention steps (nurses; the reading is audited)."),
         {format},
         runPreventionList},
        {QStringLiteral("support add"),
         QStringLiteral("[PERSON_CODE]"),
         Cli::tr("Record an individual support session with a person, or with a household (--household)."),
         {O(QStringLiteral("household"), Cli::tr("A session with this whole household."),
            QStringLiteral("CODE")),
          O(QStringLiteral("date"), Cli::tr("The date of the session (YYYY-MM-DD)."), QStringLiteral("DATE")),
          O(QStringLiteral("topic"), Cli::tr("The topic of the session."), QStringLiteral("TEXT")), notes},
         runSupportAdd},
        {QStringLiteral("support list"),
         QStringLiteral("PERSON_CODE"),
         Cli::tr("A person's support sessions and their household's (nurses; the reading is audited)."),
         {format},
         runSupportList},
    };
}

} // namespace cabas::cli
