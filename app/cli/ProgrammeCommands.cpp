// cabas-cli commands of the programme rules (issue 11): programme set, income add / list, and the demo's
// --scheme / --programme choice; see CliSupport.h. The reconciliation is `ledger reconcile`
// (LedgerCommands.cpp).
#include "cli/CliSupport.h"

#include "common/Money.h"
#include "demo/DemoProgramme.h"
#include "services/IncomeService.h"
#include "services/ProgrammeService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabas::cli {

std::optional<Programme> demoProgrammeOption(const Context& c)
{
    const QString scheme = c.option(QStringLiteral("scheme"));
    const QString file = c.option(QStringLiteral("programme"));
    if (!scheme.isEmpty() && !file.isEmpty())
        throw UsageProblem(Cli::tr("give --scheme or --programme, not both"));
    if (!scheme.isEmpty()) {
        if (!DemoProgramme::schemes().contains(scheme))
            throw UsageProblem(Cli::tr("--scheme must be one of %1, not \"%2\"")
                                   .arg(DemoProgramme::schemes().join(QStringLiteral(", ")), scheme));
        return DemoProgramme::scheme(scheme);
    }
    if (!file.isEmpty())
        return Programme::fromFile(file);
    return std::nullopt;
}

namespace {

QDate dateOption(const Context& c, const QString& name, bool required)
{
    const QString text = c.option(name);
    if (text.isEmpty()) {
        if (required)
            throw UsageProblem(Cli::tr("missing --%1 YYYY-MM-DD").arg(name));
        return {};
    }
    const QDate d = QDate::fromString(text, Qt::ISODate);
    if (!d.isValid())
        throw UsageProblem(Cli::tr("--%1 must be a date written YYYY-MM-DD, not \"%2\"").arg(name, text));
    return d;
}

int runProgrammeSet(Context& c)
{
    const QString file = requiredArgument(c, QStringLiteral("FILE.json"));
    Programme programme = Programme::fromFile(file); // located errors before the password
    auto [db, session] = c.openAndLogin();
    const ProgrammeService service(*db, session);
    const auto current = service.load();
    if (current) {
        programme.id = current->id;
        programme.version = current->version;
    }
    service.save(programme);
    c.out << Cli::tr("Programme \"%1\" saved.").arg(programme.name) << Qt::endl;
    return Success;
}

QJsonObject assessmentJson(const IncomeAssessmentView& v)
{
    const IncomeAssessment& a = v.assessment;
    QJsonObject o{{QStringLiteral("effective_on"), a.effectiveOn.toString(Qt::ISODate)},
                  {QStringLiteral("monthly_income_cents"), double(a.monthlyIncomeCents)},
                  {QStringLiteral("consumption_units"), a.consumptionUnitsMilli / 1000.0},
                  {QStringLiteral("income_per_unit_cents"), double(a.incomePerUnitCents())},
                  {QStringLiteral("band"), v.band >= 0 ? QJsonValue(v.band + 1) : QJsonValue()},
                  {QStringLiteral("band_amount_cents"), double(v.bandAmountCents)},
                  {QStringLiteral("reassess_by"), v.reassessBy.toString(Qt::ISODate)},
                  {QStringLiteral("assessed_by"), a.assessedBy},
                  {QStringLiteral("assessed_at"), a.assessedAt.toString(Qt::ISODateWithMs)},
                  {QStringLiteral("note"), a.note}};
    o.insert(QStringLiteral("income_from"),
             a.incomeFrom.isValid() ? QJsonValue(a.incomeFrom.toString(Qt::ISODate)) : QJsonValue());
    o.insert(QStringLiteral("income_to"),
             a.incomeTo.isValid() ? QJsonValue(a.incomeTo.toString(Qt::ISODate)) : QJsonValue());
    return o;
}

QString assessmentLine(const IncomeAssessmentView& v, const QString& currency)
{
    const IncomeAssessment& a = v.assessment;
    QString line = Cli::tr("%1: %2 a month for %3 consumption units (%4 a unit)")
                       .arg(a.effectiveOn.toString(Qt::ISODate), formatCents(a.monthlyIncomeCents, currency))
                       .arg(a.consumptionUnitsMilli / 1000.0, 0, 'f', 2)
                       .arg(formatCents(a.incomePerUnitCents(), currency));
    if (v.band >= 0)
        line +=
            Cli::tr(", band %1: %2 a month").arg(v.band + 1).arg(formatCents(v.bandAmountCents, currency));
    line += Cli::tr(", re-assess by %1, by %2").arg(v.reassessBy.toString(Qt::ISODate), a.assessedBy);
    return line;
}

int runIncomeAdd(Context& c)
{
    const QString code = requiredArgument(c, QStringLiteral("HOUSEHOLD_CODE"));
    IncomeAssessment a;
    bool ok = false;
    const QString income = c.option(QStringLiteral("monthly-income-cents"));
    if (income.isEmpty())
        throw UsageProblem(
            Cli::tr("missing --monthly-income-cents N (the declared monthly income, in cents)"));
    a.monthlyIncomeCents = income.toLongLong(&ok);
    if (!ok || a.monthlyIncomeCents < 0)
        throw UsageProblem(
            Cli::tr("--monthly-income-cents must be a whole number of cents, not \"%1\"").arg(income));
    a.effectiveOn = dateOption(c, QStringLiteral("effective"), true);
    a.incomeFrom = dateOption(c, QStringLiteral("income-from"), false);
    a.incomeTo = dateOption(c, QStringLiteral("income-to"), false);
    const QString units = c.option(QStringLiteral("units"));
    if (!units.isEmpty()) {
        const double u = units.toDouble(&ok);
        if (!ok || u <= 0)
            throw UsageProblem(
                Cli::tr("--units must be a number of consumption units such as 1.8, not \"%1\"").arg(units));
        a.consumptionUnitsMilli = int(std::lround(u * 1000.0));
    }
    a.note = c.option(QStringLiteral("note"));
    auto [db, session] = c.openAndLogin();
    const IncomeAssessmentView v = IncomeService(*db, session).assess(code, a);
    const auto programme = ProgrammeService(*db, session).load();
    c.out << Cli::tr("Income of %1 recorded. %2")
                 .arg(code, assessmentLine(v, programme ? programme->currency : QStringLiteral("EUR")))
          << Qt::endl;
    return Success;
}

int runIncomeList(Context& c)
{
    const QString code = requiredArgument(c, QStringLiteral("HOUSEHOLD_CODE"));
    const QString format =
        formatChoice(c.option(QStringLiteral("format")), {QStringLiteral("text"), QStringLiteral("json")});
    auto [db, session] = c.openAndLogin();
    const auto history = IncomeService(*db, session).history(code);
    const auto programme = ProgrammeService(*db, session).load();
    if (format == QLatin1String("json")) {
        QJsonArray array;
        for (const IncomeAssessmentView& v : history)
            array.append(assessmentJson(v));
        c.out << QJsonDocument(
                     QJsonObject{{QStringLiteral("household"), code}, {QStringLiteral("assessments"), array}})
                     .toJson(QJsonDocument::Indented);
        c.out.flush();
        return Success;
    }
    if (history.empty())
        c.out << Cli::tr("Household %1 has no income assessment.").arg(code) << Qt::endl;
    for (const IncomeAssessmentView& v : history)
        c.out << assessmentLine(v, programme ? programme->currency : QStringLiteral("EUR")) << '\n';
    c.out.flush();
    return Success;
}

} // namespace

std::vector<Command> programmeCommands()
{
    using O = QCommandLineOption;
    return {
        {QStringLiteral("programme set"),
         QStringLiteral("FILE.json"),
         Cli::tr(
             "Replace the programme settings by a programme file (docs/programme-json.md; administrators)."),
         {},
         runProgrammeSet},
        {QStringLiteral("income add"),
         QStringLiteral("HOUSEHOLD_CODE"),
         Cli::tr("Record a household's declared income for an income-band allowance (social workers)."),
         {O(QStringLiteral("monthly-income-cents"), Cli::tr("Declared income a month, in cents."),
            QStringLiteral("N")),
          O(QStringLiteral("effective"), Cli::tr("Date from which the assessment applies."),
            QStringLiteral("DATE")),
          O(QStringLiteral("income-from"), Cli::tr("Start of the period the income covers."),
            QStringLiteral("DATE")),
          O(QStringLiteral("income-to"), Cli::tr("End of the period the income covers."),
            QStringLiteral("DATE")),
          O(QStringLiteral("units"),
            Cli::tr("Consumption units (default: counted from the members with the programme's weights)."),
            QStringLiteral("N")),
          O(QStringLiteral("note"), Cli::tr("A short note."), QStringLiteral("TEXT"))},
         runIncomeAdd},
        {QStringLiteral("income list"),
         QStringLiteral("HOUSEHOLD_CODE"),
         Cli::tr("A household's income assessments, oldest first, with the band each gives."),
         {O(QStringLiteral("format"), Cli::tr("text (default) or json."), QStringLiteral("FORMAT"))},
         runIncomeList},
    };
}

} // namespace cabas::cli
