// cabas-cli commands of this area; see CliSupport.h.
#include "cli/CliSupport.h"
#include "common/Clock.h"
#include "io/AttendanceImport.h"
#include "io/Csv.h"
#include "services/WorkshopService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabas::cli {

namespace {

QDate dateOption(const Context& c, const QString& name)
{
    const QString text = c.option(name);
    if (text.isEmpty())
        return QDate();
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

QString timeText(const QTime& t)
{
    return t.isValid() ? t.toString(QStringLiteral("HH:mm")) : QString();
}

int runWorkshopList(Context& c)
{
    requireNoArgument(c);
    const QString format =
        formatChoice(c.option(QStringLiteral("format")),
                     {QStringLiteral("text"), QStringLiteral("csv"), QStringLiteral("json")});
    const QDate from = dateOption(c, QStringLiteral("from"));
    const QDate to = dateOption(c, QStringLiteral("to"));
    auto [db, session] = c.openAndLogin();
    const auto workshops = WorkshopService(*db, session).list(from, to);
    QJsonArray array;
    if (format == QLatin1String("csv"))
        c.out << "id;date;start;end;type;title;place;partner;capacity;registered;waiting;present;absent;"
                 "cancelled_on\n";
    for (const WorkshopSummary& s : workshops) {
        const Workshop& w = s.workshop;
        if (format == QLatin1String("json")) {
            QJsonObject o{{QStringLiteral("id"), w.id},
                          {QStringLiteral("date"), w.heldOn.toString(Qt::ISODate)},
                          {QStringLiteral("start"), timeText(w.startTime)},
                          {QStringLiteral("end"), timeText(w.endTime)},
                          {QStringLiteral("type"), toCode(w.type)},
                          {QStringLiteral("title"), w.title},
                          {QStringLiteral("place"), w.place},
                          {QStringLiteral("partner"), w.partner},
                          {QStringLiteral("capacity"), w.hasLimit() ? QJsonValue(w.capacity) : QJsonValue()},
                          {QStringLiteral("registered"), s.registered},
                          {QStringLiteral("waiting"), s.waiting},
                          {QStringLiteral("present"), s.present},
                          {QStringLiteral("absent"), s.absent},
                          {QStringLiteral("cancelled_on"),
                           w.isCancelled() ? QJsonValue(w.cancelledOn.toString(Qt::ISODate)) : QJsonValue()}};
            array.append(o);
            continue;
        }
        if (format == QLatin1String("csv")) {
            const QStringList fields = {QString::number(w.id),
                                        w.heldOn.toString(Qt::ISODate),
                                        timeText(w.startTime),
                                        timeText(w.endTime),
                                        toCode(w.type),
                                        w.title,
                                        w.place,
                                        w.partner,
                                        w.hasLimit() ? QString::number(w.capacity) : QString(),
                                        QString::number(s.registered),
                                        QString::number(s.waiting),
                                        QString::number(s.present),
                                        QString::number(s.absent),
                                        w.cancelledOn.toString(Qt::ISODate)};
            QStringList out;
            for (const QString& f : fields)
                out << csvField(f);
            c.out << out.join(QLatin1Char(';')) << '\n';
            continue;
        }
        const QString places = w.hasLimit() ? Cli::tr("%1/%2 places").arg(s.registered).arg(w.capacity)
                                            : Cli::tr("%1 registered").arg(s.registered);
        QStringList fields = {QString::number(w.id),
                              w.heldOn.toString(Qt::ISODate),
                              timeText(w.startTime),
                              displayName(w.type),
                              w.title,
                              w.place,
                              places,
                              Cli::tr("%1 waiting").arg(s.waiting),
                              Cli::tr("%1 present, %2 absent").arg(s.present).arg(s.absent)};
        if (w.isCancelled())
            fields << Cli::tr("cancelled on %1").arg(w.cancelledOn.toString(Qt::ISODate));
        c.out << fields.join(QLatin1Char('\t')) << '\n';
    }
    if (format == QLatin1String("json"))
        c.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
    c.out.flush();
    return Success;
}

int runImportAttendance(Context& c)
{
    const QString file = requiredArgument(c, QStringLiteral("FILE")); // a usage error before the password
    const bool dryRun = c.parser.isSet(QStringLiteral("dry-run"));
    auto [db, session] = c.openAndLogin();
    io::AttendanceImport import(*db, session);
    auto report = import.check(file);
    if (report.ok() && !dryRun)
        report = import.run(file);
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

int runWorkshopAdd(Context& c)
{
    requireNoArgument(c);
    Workshop w;
    const QString type = c.option(QStringLiteral("type"));
    if (!fromCode(type, &w.type)) {
        QStringList codes;
        for (WorkshopType t : allWorkshopTypes())
            codes << toCode(t);
        throw UsageProblem(Cli::tr("--type must be one of %1").arg(codes.join(QStringLiteral(", "))));
    }
    w.title = c.option(QStringLiteral("title"));
    w.heldOn = dateOption(c, QStringLiteral("date"));
    if (!w.heldOn.isValid())
        throw UsageProblem(Cli::tr("--date DATE is required"));
    for (const auto& [name, field] :
         {std::pair{QStringLiteral("start"), &w.startTime}, std::pair{QStringLiteral("end"), &w.endTime}}) {
        const QString text = c.option(name);
        if (text.isEmpty())
            continue;
        *field = QTime::fromString(text, QStringLiteral("H:mm"));
        if (!field->isValid())
            throw UsageProblem(Cli::tr("--%1: \"%2\" is not a time (HH:MM)").arg(name, text));
    }
    w.place = c.option(QStringLiteral("place"));
    w.partner = c.option(QStringLiteral("partner"));
    w.notes = c.option(QStringLiteral("notes"));
    const QString capacity = c.option(QStringLiteral("capacity"));
    if (!capacity.isEmpty()) {
        bool ok = false;
        w.capacity = capacity.toInt(&ok);
        if (!ok || w.capacity < 0)
            throw UsageProblem(Cli::tr("--capacity must be a number of places (0: no limit)"));
    }
    auto [db, session] = c.openAndLogin();
    WorkshopService(*db, session).create(w);
    c.out << Cli::tr("Workshop %1 created: %2").arg(w.id).arg(w.key()) << Qt::endl;
    return Success;
}

qint64 workshopIdArgument(const QString& text)
{
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0)
        throw UsageProblem(Cli::tr("\"%1\" is not a workshop number (see workshop list)").arg(text));
    return id;
}

int runWorkshopRegister(Context& c)
{
    const QStringList args = c.arguments();
    if (args.size() < 2)
        throw UsageProblem(Cli::tr("missing argument: WORKSHOP_ID PERSON_CODE..."));
    const qint64 id = workshopIdArgument(args.first());
    const bool cancel = c.parser.isSet(QStringLiteral("cancel"));
    auto [db, session] = c.openAndLogin();
    const WorkshopService service(*db, session);
    for (const QString& code : args.mid(1)) {
        if (cancel) {
            const QString promoted = service.cancelRegistration(id, code);
            c.out << Cli::tr("%1: registration cancelled.").arg(code);
            if (!promoted.isEmpty())
                c.out << ' ' << Cli::tr("%1 moves up from the waiting list.").arg(promoted);
            c.out << '\n';
        } else {
            c.out << code << ": " << displayName(service.registerPerson(id, code)) << '\n';
        }
    }
    c.out.flush();
    return Success;
}

int runWorkshopAttend(Context& c)
{
    const qint64 id = workshopIdArgument(requiredArgument(c, QStringLiteral("WORKSHOP_ID")));
    QList<QPair<QString, bool>> ticks;
    for (const auto& [option, present] :
         {std::pair{QStringLiteral("present"), true}, std::pair{QStringLiteral("absent"), false}})
        for (const QString& code : c.option(option).split(QLatin1Char(','), Qt::SkipEmptyParts))
            ticks.append({code.trimmed(), present});
    if (ticks.isEmpty())
        throw UsageProblem(Cli::tr("nothing to record: give --present CODES and/or --absent CODES"));
    auto [db, session] = c.openAndLogin();
    const WorkshopService service(*db, session);
    service.recordAttendance(id, ticks);
    const auto s = service.summary(id);
    c.out << Cli::tr("Attendance recorded: %1 present, %2 absent.").arg(s.present).arg(s.absent) << Qt::endl;
    return Success;
}

} // namespace

std::vector<Command> workshopCommands()
{
    using O = QCommandLineOption;
    return {
        {QStringLiteral("workshop list"),
         QString(),
         Cli::tr("Workshops with their places, waiting list and attendance, by date."),
         {O(QStringLiteral("from"), Cli::tr("Only workshops from this date (YYYY-MM-DD)."),
            QStringLiteral("DATE")),
          O(QStringLiteral("to"), Cli::tr("Only workshops up to this date (YYYY-MM-DD)."),
            QStringLiteral("DATE")),
          O(QStringLiteral("format"), Cli::tr("text (default), csv or json."), QStringLiteral("FORMAT"))},
         runWorkshopList},
        {QStringLiteral("workshop add"),
         QString(),
         Cli::tr("Create a workshop (social workers, nurses, coordinators)."),
         {O(QStringLiteral("type"),
            Cli::tr("farm_visit, cooking, market_visit, cheese_making, bread_making or other."),
            QStringLiteral("TYPE")),
          O(QStringLiteral("title"), Cli::tr("The workshop's title."), QStringLiteral("TITLE")),
          O(QStringLiteral("date"), Cli::tr("Its date (YYYY-MM-DD)."), QStringLiteral("DATE")),
          O(QStringLiteral("start"), Cli::tr("Start time (HH:MM)."), QStringLiteral("TIME")),
          O(QStringLiteral("end"), Cli::tr("End time (HH:MM)."), QStringLiteral("TIME")),
          O(QStringLiteral("place"), Cli::tr("Where it takes place."), QStringLiteral("PLACE")),
          O(QStringLiteral("partner"), Cli::tr("Partner producer or merchant."), QStringLiteral("NAME")),
          O(QStringLiteral("capacity"), Cli::tr("Number of places (default 0: no limit)."),
            QStringLiteral("N")),
          O(QStringLiteral("notes"), Cli::tr("Notes."), QStringLiteral("TEXT"))},
         runWorkshopAdd},
        {QStringLiteral("workshop register"),
         QStringLiteral("WORKSHOP_ID PERSON_CODE..."),
         Cli::tr(
             "Register persons for a workshop (the waiting list when it is full), or cancel with --cancel."),
         {O(QStringLiteral("cancel"),
            Cli::tr("Cancel these registrations; the first on the waiting list takes a freed place."))},
         runWorkshopRegister},
        {QStringLiteral("workshop attend"),
         QStringLiteral("WORKSHOP_ID"),
         Cli::tr("Record the day's attendance of registered persons: all or nothing."),
         {O(QStringLiteral("present"), Cli::tr("Codes of the persons present, separated by commas."),
            QStringLiteral("CODES")),
          O(QStringLiteral("absent"), Cli::tr("Codes of the persons absent, separated by commas."),
            QStringLiteral("CODES"))},
         runWorkshopAttend},
        {QStringLiteral("import attendance"),
         QStringLiteral("FILE"),
         Cli::tr("Import workshop attendance from attendance.csv: all or nothing, located errors, the same "
                 "file twice changes nothing; missing workshops are created."),
         {O(QStringLiteral("dry-run"),
            Cli::tr("Check the file and say what would change, without writing."))},
         runImportAttendance},
    };
}

} // namespace cabas::cli
