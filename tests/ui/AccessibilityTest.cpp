#include <catch2/catch.hpp>

// Accessibility of every form and dialog of the desktop app (docs/accessibility.md): each one is built on a
// database with data, in the dark palette, and walked:
// - every focusable input has an accessible name (its own, a label's buddy, or its text);
// - the Tab chain visits every enabled, visible input in reading order (top to bottom, left to right; a new
//   column may start higher up);
// - the colours Cabas sets (style sheets, rich text, the models' text and background colours) keep a WCAG
//   contrast of at least 4.5:1 with their background.
#include "AdministrationPage.h"
#include "AdministratorRecoveryDialog.h"
#include "BackupController.h"
#include "FirstRunDialog.h"
#include "HealthPage.h"
#include "LoginDialog.h"
#include "MainWindow.h"
#include "ProgrammeEditor.h"
#include "RecoveryKeyDialog.h"
#include "SealDatabaseDialog.h"
#include "TemporaryPasswordsDialog.h"
#include "TestPaths.h"
#include "Theme.h"
#include "UiTestUtil.h"
#include "UserAccountDialog.h"
#include "cohort/DashboardPage.h"
#include "health/CheckupForm.h"
#include "health/HealthImportDialog.h"
#include "health/PreventionStepForm.h"
#include "health/QuestionnaireForm.h"
#include "households/CaseFileView.h"
#include "households/EnrolmentWizard.h"
#include "households/HouseholdsPage.h"
#include "households/PersonsImportDialog.h"
#include "io/PersonsImport.h"
#include "ledger/LedgerPage.h"
#include "ledger/MerchantsPanel.h"
#include "ledger/SyncDialog.h"
#include "services/WorkshopService.h"
#include "support/TestClock.h"
#include "support/TestDatabase.h"
#include "workshops/WorkshopDialogs.h"
#include "workshops/WorkshopsPage.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTest>
#include <QTextEdit>
#include <QWizard>
#include <memory>

using namespace cabas;
using cabas::test::child;

namespace {

constexpr double kMinimumContrast = 4.5;

// The dark theme for the length of a test; the style and palette before it afterwards.
struct DarkTheme
{
    QString style = QApplication::style()->name();
    QPalette palette = QApplication::palette();
    DarkTheme() { REQUIRE(ui::theme::applyTheme(QStringLiteral("dark"))); }
    ~DarkTheme()
    {
        QApplication::setStyle(QStyleFactory::create(style));
        QApplication::setPalette(palette);
    }
};

QString describe(const QWidget* w)
{
    QString name = w->objectName();
    if (name.isEmpty())
        for (const QWidget* p = w->parentWidget(); p && name.isEmpty(); p = p->parentWidget())
            if (!p->objectName().isEmpty())
                name = QStringLiteral("(in %1)").arg(p->objectName());
    return QStringLiteral("%1 %2").arg(QString::fromLatin1(w->metaObject()->className()), name);
}

// Widgets a user types in, chooses in or presses (and the scrolling views: tables, lists, charts).
bool isInput(const QWidget* w)
{
    return qobject_cast<const QLineEdit*>(w) || qobject_cast<const QAbstractSpinBox*>(w) ||
           qobject_cast<const QComboBox*>(w) || qobject_cast<const QAbstractButton*>(w) ||
           qobject_cast<const QAbstractScrollArea*>(w) || qobject_cast<const QAbstractSlider*>(w);
}

// Parts of another input (the line edit of a combo box or a spin box, a view's header, a scroll bar).
bool isPartOfInput(const QWidget* w, const QWidget* top)
{
    for (const QWidget* p = w->parentWidget(); p && p != top; p = p->parentWidget())
        if (qobject_cast<const QAbstractSpinBox*>(p) || qobject_cast<const QComboBox*>(p) ||
            qobject_cast<const QAbstractScrollArea*>(p) && !qobject_cast<const QScrollArea*>(p))
            return true;
    return false;
}

bool takesTab(const QWidget* w)
{
    return (w->focusPolicy() & Qt::TabFocus) == Qt::TabFocus && !w->focusProxy();
}

QString accessibleName(QWidget* w)
{
    QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(w);
    return iface ? iface->text(QAccessible::Name).trimmed() : QString();
}

// The inputs without an accessible name (hidden ones too, on other pages and tabs; not those hidden on
// purpose).
QStringList unnamedInputs(QWidget* top)
{
    QStringList problems;
    const auto widgets = top->findChildren<QWidget*>();
    for (QWidget* w : widgets) {
        if (w->isWindow() || w->isHidden() || !takesTab(w) || !isInput(w) || isPartOfInput(w, top))
            continue;
        if (qobject_cast<QScrollArea*>(w))
            continue; // a container: what it holds is checked
        if (accessibleName(w).isEmpty())
            problems << describe(w);
    }
    return problems;
}

QRect rectIn(const QWidget* w, const QWidget* top)
{
    return QRect(w->mapTo(top, QPoint(0, 0)), w->size());
}

// Whether `b` comes before `a` when reading the window: above it (not in a new column on the right), or on
// the same line and on its left.
bool readsBefore(const QRect& b, const QRect& a)
{
    const bool above = b.bottom() < a.top() + 2;
    const bool newColumn = b.left() >= a.right() - 2;
    if (above)
        return !newColumn;
    const int overlap = std::min(a.bottom(), b.bottom()) - std::max(a.top(), b.top());
    const bool sameLine = overlap > std::min(a.height(), b.height()) / 2;
    return sameLine && b.right() < a.left() + 2;
}

// The Tab chain's problems in the state shown: inputs it misses, and steps going back in reading order.
QStringList tabChainProblems(QWidget* top)
{
    QStringList problems;
    QList<QWidget*> chain;
    QWidget* w = top;
    for (int guard = 0; guard < 5000; ++guard) {
        w = w->nextInFocusChain();
        if (w == top)
            break;
        if (top->isAncestorOf(w) && !w->isWindow() && takesTab(w) && w->isEnabled() && w->isVisibleTo(top) &&
            !isPartOfInput(w, top) && !chain.contains(w))
            chain << w;
    }
    const auto widgets = top->findChildren<QWidget*>();
    for (QWidget* input : widgets)
        if (!input->isWindow() && takesTab(input) && isInput(input) && input->isEnabled() &&
            input->isVisibleTo(top) && !isPartOfInput(input, top) && !chain.contains(input) &&
            !qobject_cast<QScrollArea*>(input))
            problems << QStringLiteral("not in the Tab chain: %1").arg(describe(input));
    // The chain is a circle: Tab from the last input goes back to the first, once. Any other step back is a
    // wrong order.
    QStringList backSteps;
    for (qsizetype i = 0; chain.size() > 1 && i < chain.size(); ++i) {
        QWidget* from = chain[i];
        QWidget* to = chain[(i + 1) % chain.size()];
        if (readsBefore(rectIn(to, top), rectIn(from, top)))
            backSteps << QStringLiteral("Tab goes back from %1 to %2").arg(describe(from), describe(to));
    }
    if (backSteps.size() > 1)
        problems << backSteps;
    return problems;
}

QColor paletteColour(const QString& role, const QPalette& p)
{
    static const QHash<QString, QPalette::ColorRole> roles = {
        {QStringLiteral("window"), QPalette::Window},
        {QStringLiteral("window-text"), QPalette::WindowText},
        {QStringLiteral("base"), QPalette::Base},
        {QStringLiteral("alternate-base"), QPalette::AlternateBase},
        {QStringLiteral("text"), QPalette::Text},
        {QStringLiteral("button"), QPalette::Button},
        {QStringLiteral("button-text"), QPalette::ButtonText},
        {QStringLiteral("highlight"), QPalette::Highlight},
        {QStringLiteral("highlighted-text"), QPalette::HighlightedText},
        {QStringLiteral("placeholder-text"), QPalette::PlaceholderText},
        {QStringLiteral("mid"), QPalette::Mid},
        {QStringLiteral("link"), QPalette::Link},
    };
    return p.color(roles.value(role, QPalette::NoRole));
}

// A colour of a style sheet: #rrggbb, #rgb, a name or palette(role); invalid when it is none of these.
QColor sheetColour(const QString& value, const QPalette& p)
{
    const QString v = value.trimmed();
    static const QRegularExpression paletteRole(QStringLiteral("^palette\\(([a-z-]+)\\)$"));
    const auto m = paletteRole.match(v);
    if (m.hasMatch())
        return paletteColour(m.captured(1), p);
    if (v == QLatin1String("transparent"))
        return QColor();
    return QColor::fromString(v);
}

// Text and background colours a widget's style sheet sets, block by block, against the palette's colours
// where the block sets only one of them.
QStringList styleSheetContrastProblems(const QWidget* w, const QPalette& p)
{
    QStringList problems;
    const QString sheet = w->styleSheet();
    if (sheet.isEmpty())
        return problems;
    static const QRegularExpression block(QStringLiteral("(?:^|})([^{}]*)\\{([^{}]*)"));
    static const QRegularExpression colour(QStringLiteral("(?:^|[;\\s])color\\s*:\\s*([^;]+)"));
    static const QRegularExpression background(QStringLiteral("background(?:-color)?\\s*:\\s*([^;]+)"));
    QList<QPair<QString, QString>> blocks;
    if (!sheet.contains(QLatin1Char('{')))
        blocks << qMakePair(QString(), sheet);
    for (auto it = block.globalMatch(sheet); it.hasNext();) {
        const auto m = it.next();
        blocks << qMakePair(m.captured(1).trimmed(), m.captured(2));
    }
    for (const auto& [selector, rules] : blocks) {
        const auto c = colour.match(rules);
        const auto b = background.match(rules);
        if (!c.hasMatch() && !b.hasMatch())
            continue;
        const QColor fg = c.hasMatch() ? sheetColour(c.captured(1), p) : p.color(QPalette::WindowText);
        const QColor bg = b.hasMatch() ? sheetColour(b.captured(1), p) : p.color(QPalette::Window);
        if (!fg.isValid() || !bg.isValid())
            continue;
        const double ratio = ui::theme::contrastRatio(fg, bg);
        if (ratio < kMinimumContrast)
            problems << QStringLiteral("%1 %2: %3 on %4 (%5:1)")
                            .arg(describe(w), selector, fg.name(), bg.name())
                            .arg(ratio, 0, 'f', 2);
    }
    return problems;
}

// The colours of rich text (color: in a label's HTML) against the window.
QStringList richTextContrastProblems(const QLabel* label, const QPalette& p)
{
    QStringList problems;
    static const QRegularExpression colour(QStringLiteral("color\\s*:\\s*(#[0-9a-fA-F]{3,6})"));
    for (auto it = colour.globalMatch(label->text()); it.hasNext();) {
        const QColor fg = QColor::fromString(it.next().captured(1));
        const double ratio = ui::theme::contrastRatio(fg, p.color(QPalette::Window));
        if (ratio < kMinimumContrast)
            problems << QStringLiteral("%1 rich text: %2 (%3:1)")
                            .arg(describe(label), fg.name())
                            .arg(ratio, 0, 'f', 2);
    }
    return problems;
}

// The text colours a model gives (ForegroundRole) against its background colour or the view's base.
QStringList modelContrastProblems(const QAbstractItemView* view)
{
    QStringList problems;
    const QAbstractItemModel* model = view->model();
    if (!model)
        return problems;
    const QPalette p = view->palette();
    const int rows = std::min(model->rowCount(), 300);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < model->columnCount(); ++c) {
            const QModelIndex index = model->index(r, c);
            const QVariant fg = index.data(Qt::ForegroundRole);
            const QVariant bg = index.data(Qt::BackgroundRole);
            if (!fg.isValid() && !bg.isValid())
                continue;
            const QColor text = fg.isValid() ? fg.value<QBrush>().color() : p.color(QPalette::Text);
            QList<QColor> backgrounds;
            if (bg.isValid())
                backgrounds << bg.value<QBrush>().color();
            else
                backgrounds << p.color(QPalette::Base) << p.color(QPalette::AlternateBase);
            for (const QColor& back : backgrounds) {
                const double ratio = ui::theme::contrastRatio(text, back);
                if (ratio < kMinimumContrast)
                    problems << QStringLiteral("%1 row %2 column %3: %4 on %5 (%6:1)")
                                    .arg(describe(view))
                                    .arg(r)
                                    .arg(c)
                                    .arg(text.name(), back.name())
                                    .arg(ratio, 0, 'f', 2);
            }
        }
    return problems;
}

// The widgets' own palettes: a label whose text colour was changed, against its window.
QStringList contrastProblems(QWidget* top)
{
    QStringList problems;
    const QPalette app = QApplication::palette();
    QList<QWidget*> widgets = top->findChildren<QWidget*>();
    widgets.prepend(top);
    for (QWidget* w : widgets) {
        if (w->isHidden() && w != top)
            continue;
        problems << styleSheetContrastProblems(w, app);
        if (auto* label = qobject_cast<QLabel*>(w)) {
            problems << richTextContrastProblems(label, app);
            const QColor text = label->palette().color(QPalette::WindowText);
            if (text != app.color(QPalette::WindowText) && label->isEnabled()) {
                const double ratio = ui::theme::contrastRatio(text, label->palette().color(QPalette::Window));
                if (ratio < kMinimumContrast)
                    problems << QStringLiteral("%1: %2 (%3:1)")
                                    .arg(describe(label), text.name())
                                    .arg(ratio, 0, 'f', 2);
            }
        }
        if (auto* view = qobject_cast<QAbstractItemView*>(w))
            problems << modelContrastProblems(view);
    }
    return problems;
}

void report(const char* what, const QString& form, const QStringList& problems)
{
    INFO(what << " of " << form.toStdString() << ":\n" << problems.join(QLatin1Char('\n')).toStdString());
    CHECK(problems.isEmpty());
}

// Checks `top` as shown, in each tab of its tab widgets.
void checkForm(QWidget* top, const QString& name)
{
    top->show();
    QApplication::processEvents();
    report("accessible names", name, unnamedInputs(top));
    report("contrast", name, contrastProblems(top));
    QStringList tabProblems = tabChainProblems(top);
    const auto tabWidgets = top->findChildren<QTabWidget*>();
    for (QTabWidget* tabs : tabWidgets) {
        if (!tabs->isVisibleTo(top))
            continue;
        const int current = tabs->currentIndex();
        for (int i = 0; i < tabs->count(); ++i) {
            if (!tabs->isTabEnabled(i))
                continue;
            tabs->setCurrentIndex(i);
            QApplication::processEvents();
            tabProblems << tabChainProblems(top);
            report("contrast", name + QStringLiteral(" / ") + tabs->tabText(i), contrastProblems(top));
        }
        tabs->setCurrentIndex(current);
    }
    tabProblems.removeDuplicates();
    report("Tab chain", name, tabProblems);
}

// A database with the sample households, a workshop, and a user of each role.
struct Fixture
{
    test::ScopedClock clock{QDateTime(QDate(2025, 3, 10), QTime(9, 0), Qt::UTC)};
    test::TempDatabase temp{store::Backend::Sqlite};
    std::unique_ptr<store::Database> db = test::initialisedDatabase(temp);
    Session admin = test::adminSession(*db);
    Session socialWorker = test::sessionFor(*db, Role::SocialWorker);
    Session nurse = test::sessionFor(*db, Role::Nurse);
    Session coordinator = test::sessionFor(*db, Role::Coordinator);
    qint64 workshopId = 0;

    Fixture()
    {
        io::PersonsImport(*db, socialWorker).run(QStringLiteral(CABAS_SAMPLES_DIR "/persons.csv"));
        Workshop w;
        w.type = WorkshopType::CheeseMaking;
        w.title = QStringLiteral("Fromage de chèvre à la ferme");
        w.heldOn = QDate(2025, 3, 14);
        w.place = QStringLiteral("Lectoure");
        w.capacity = 8;
        WorkshopService(*db, coordinator).create(w);
        workshopId = w.id;
    }
};

} // namespace

TEST_CASE("ui: the WCAG contrast and the theme's colours readable in a light and a dark palette",
          "[ui][a11y]")
{
    using namespace ui::theme;
    CHECK(contrastRatio(Qt::black, Qt::white) == Approx(21.0));
    CHECK(contrastRatio(Qt::white, Qt::white) == Approx(1.0));
    CHECK(contrastRatio(QColor(0x77, 0x77, 0x77), Qt::white) == Approx(4.48).margin(0.01));

    const QPalette dark = darkPalette();
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
    const QPalette light = fusion->standardPalette();
    CHECK(isDark(dark));
    CHECK_FALSE(isDark(light));
    // A grey window, neither light nor dark: the colours still reach the contrast.
    QPalette grey = light;
    grey.setColor(QPalette::Window, QColor(0x80, 0x80, 0x80));
    grey.setColor(QPalette::Base, QColor(0x90, 0x90, 0x90));
    for (const QPalette& p : {dark, light, grey})
        for (const Tone tone : {Tone::Error, Tone::Warning, Tone::Success, Tone::Muted}) {
            INFO("tone " << int(tone) << (isDark(p) ? " dark" : " light"));
            CHECK(contrastRatio(foreground(tone, p), p.color(QPalette::Window)) >= kMinimumContrast);
            CHECK(contrastRatio(foreground(tone, p), p.color(QPalette::Base)) >= kMinimumContrast);
            if (tone != Tone::Muted)
                CHECK(contrastRatio(foreground(tone, p), background(tone, p)) >= kMinimumContrast);
        }
    for (const QPalette& p : {dark, light}) {
        CHECK(contrastRatio(accentForeground(p), accentBackground(p)) >= kMinimumContrast);
        CHECK(contrastRatio(p.color(QPalette::WindowText), tileBackground(p)) >= kMinimumContrast);
    }
    // The dark palette itself: text, placeholders, selections and links.
    CHECK(contrastRatio(dark.color(QPalette::Text), dark.color(QPalette::Base)) >= 7.0);
    CHECK(contrastRatio(dark.color(QPalette::PlaceholderText), dark.color(QPalette::Base)) >=
          kMinimumContrast);
    CHECK(contrastRatio(dark.color(QPalette::HighlightedText), dark.color(QPalette::Highlight)) >=
          kMinimumContrast);
    CHECK(contrastRatio(dark.color(QPalette::Link), dark.color(QPalette::Base)) >= kMinimumContrast);
    CHECK(contrastRatio(dark.color(QPalette::ToolTipText), dark.color(QPalette::ToolTipBase)) >=
          kMinimumContrast);
    CHECK(contrastRatio(dark.color(QPalette::ButtonText), dark.color(QPalette::Button)) >= kMinimumContrast);

    CHECK(applyTheme(QString()));
    CHECK(applyTheme(QStringLiteral("system")));
    CHECK_FALSE(applyTheme(QStringLiteral("purple")));
}

TEST_CASE("ui: a tone follows the application's palette when it turns dark", "[ui][a11y]")
{
    QLabel label(QStringLiteral("Refused"));
    label.setObjectName(QStringLiteral("someError"));
    ui::theme::setTone(&label, ui::theme::Tone::Error);
    const QString lightSheet = label.styleSheet();
    CHECK(lightSheet.contains(ui::theme::foreground(ui::theme::Tone::Error).name()));
    {
        DarkTheme dark;
        QApplication::processEvents();
        CHECK(label.styleSheet() != lightSheet);
        CHECK(label.styleSheet().contains(
            ui::theme::foreground(ui::theme::Tone::Error, ui::theme::darkPalette()).name()));
        CHECK(styleSheetContrastProblems(&label, QApplication::palette()).isEmpty());
    }
    CHECK(label.styleSheet() == lightSheet);
}

TEST_CASE("ui: the login, first-run, recovery key, sealing and programme forms work with the keyboard and "
          "read well "
          "in the dark",
          "[ui][a11y]")
{
    DarkTheme dark;
    Fixture f;
    {
        ui::LoginDialog dialog(*f.db);
        dialog.setErrorMessage(QStringLiteral("Wrong password"));
        checkForm(&dialog, QStringLiteral("login dialog"));
        // Enter logs in, Escape cancels.
        auto* ok = child<QPushButton>(&dialog, "loginButton");
        CHECK((ok->isDefault() || ok->autoDefault()));
    }
    for (const auto mode : {ui::FirstRunDialog::Mode::CreateLocal, ui::FirstRunDialog::Mode::OpenLocal,
                            ui::FirstRunDialog::Mode::ConnectPostgres}) {
        ui::FirstRunDialog dialog;
        dialog.setMode(mode);
        checkForm(&dialog, QStringLiteral("first-run dialog, mode %1").arg(int(mode)));
    }
    {
        ui::RecoveryKeyDialog dialog(QStringLiteral("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567"));
        checkForm(&dialog, QStringLiteral("recovery key dialog"));
        // Enter does not skip the key: Continue stays disabled until the box is ticked.
        CHECK_FALSE(child<QPushButton>(&dialog, "continueButton")->isEnabled());
    }
    {
        ui::SealDatabaseDialog dialog(*f.db, test::adminSession(*f.db));
        checkForm(&dialog, QStringLiteral("sealing dialog"));
        CHECK(child<QPushButton>(&dialog, "sealButton")->isDefault());
    }
    {
        ui::TemporaryPasswordsDialog dialog({{QStringLiteral("amelie.roux"), QStringLiteral("Amélie Roux"),
                                              Role::SocialWorker, QStringLiteral("Ab3d-Ef5h-Jk7m-Np9q")}});
        checkForm(&dialog, QStringLiteral("temporary passwords dialog"));
        CHECK_FALSE(child<QPushButton>(&dialog, "continueButton")->isEnabled());
    }
    {
        ui::AdministratorRecoveryDialog dialog(*f.db);
        checkForm(&dialog, QStringLiteral("administrator recovery dialog"));
        // Nothing to send before the key, the login and the password twice.
        CHECK_FALSE(child<QPushButton>(&dialog, "recoverButton")->isEnabled());
    }
    for (const auto mode : {ui::UserAccountDialog::Mode::ChangeOwn, ui::UserAccountDialog::Mode::Reset,
                            ui::UserAccountDialog::Mode::Add}) {
        ui::UserAccountDialog dialog(mode, *f.db, f.admin, QStringLiteral("admin"));
        checkForm(&dialog, QStringLiteral("user account dialog, mode %1").arg(int(mode)));
        CHECK_FALSE(child<QPushButton>(&dialog, "userAccountOkButton")->isEnabled());
    }
    {
        ui::ProgrammeEditor editor;
        checkForm(&editor, QStringLiteral("programme editor"));
    }
}

TEST_CASE("ui: the household forms work with the keyboard and read well in the dark", "[ui][a11y]")
{
    DarkTheme dark;
    Fixture f;
    {
        ui::EnrolmentWizard wizard(*f.db, f.socialWorker);
        checkForm(&wizard, QStringLiteral("enrolment wizard"));
    }
    {
        ui::CaseFileView view(*f.db, f.socialWorker);
        REQUIRE(view.load(QStringLiteral("MMG-0001")));
        checkForm(&view, QStringLiteral("case file"));
    }
    {
        ui::PersonsImportDialog dialog(*f.db, f.socialWorker);
        checkForm(&dialog, QStringLiteral("persons import"));
    }
    {
        ui::HouseholdsPage page;
        page.load(f.db.get(), f.socialWorker);
        checkForm(&page, QStringLiteral("households page"));
    }
}

TEST_CASE("ui: the health forms work with the keyboard and read well in the dark", "[ui][a11y]")
{
    DarkTheme dark;
    Fixture f;
    const QString person = QStringLiteral("P-00001");
    const QString name = QStringLiteral("Jean-Pierre Nguyễn");
    {
        ui::CheckupForm form(*f.db, f.nurse, person, name);
        checkForm(&form, QStringLiteral("checkup form"));
    }
    {
        ui::QuestionnaireForm form(*f.db, f.nurse, person, name);
        checkForm(&form, QStringLiteral("questionnaire form"));
    }
    {
        ui::PreventionStepForm form(*f.db, f.nurse, person, name);
        checkForm(&form, QStringLiteral("prevention step form"));
    }
    {
        ui::SupportSessionForm form(*f.db, f.nurse, person, name, QStringLiteral("MMG-0001"));
        checkForm(&form, QStringLiteral("support session form"));
    }
    {
        ui::HealthImportDialog dialog(*f.db, f.nurse, ui::HealthImportDialog::Kind::Checkups);
        checkForm(&dialog, QStringLiteral("health import"));
    }
    {
        ui::HealthPage page;
        page.load(f.db.get(), f.nurse);
        checkForm(&page, QStringLiteral("health page"));
    }
}

TEST_CASE("ui: the workshop, ledger, cohort and administration pages work with the keyboard and read well "
          "in the dark",
          "[ui][a11y]")
{
    DarkTheme dark;
    Fixture f;
    {
        ui::WorkshopEditorDialog dialog(*f.db, f.coordinator, Workshop{});
        checkForm(&dialog, QStringLiteral("workshop editor"));
    }
    {
        ui::RegisterPersonsDialog dialog(*f.db, f.coordinator, f.workshopId);
        checkForm(&dialog, QStringLiteral("registration"));
    }
    {
        ui::TickListDialog dialog(*f.db, f.coordinator, f.workshopId);
        checkForm(&dialog, QStringLiteral("tick-list"));
    }
    {
        ui::AttendanceImportDialog dialog(*f.db, f.coordinator);
        checkForm(&dialog, QStringLiteral("attendance import"));
    }
    {
        ui::WorkshopsPage page;
        page.load(f.db.get(), f.coordinator);
        checkForm(&page, QStringLiteral("workshops page"));
    }
    {
        ui::SyncDialog dialog(*f.db, f.admin);
        checkForm(&dialog, QStringLiteral("sync dialog"));
    }
    {
        ui::LedgerPage page;
        page.load(f.db.get(), f.coordinator);
        checkForm(&page, QStringLiteral("ledger page"));
    }
    {
        ui::DashboardPage page;
        page.load(f.db.get(), f.coordinator);
        checkForm(&page, QStringLiteral("cohort dashboard"));
    }
    {
        ui::AdministrationPage page;
        page.load(f.db.get(), f.admin);
        checkForm(&page, QStringLiteral("administration"));
    }
    {
        ui::MerchantsPanel panel;
        panel.load(f.db.get(), f.admin);
        checkForm(&panel, QStringLiteral("merchants panel"));
    }
    for (const auto kind :
         {ui::MerchantDecisionDialog::Kind::Approve, ui::MerchantDecisionDialog::Kind::Refuse}) {
        ui::MerchantDecisionDialog dialog(*f.db, f.admin, kind, QStringLiteral("M-01"),
                                          QStringLiteral("Biocoop Auch"));
        checkForm(&dialog, QStringLiteral("merchant decision dialog %1").arg(int(kind)));
    }
}

TEST_CASE("ui: the main window opens every section with Ctrl+1 to Ctrl+7 and searches with Ctrl+F",
          "[ui][a11y][screenshot]")
{
    DarkTheme dark;
    Fixture f;
    auto db = std::move(f.db);
    ui::MainWindow window(std::move(db), f.socialWorker);
    window.show();
    QApplication::setActiveWindow(&window);
    checkForm(&window, QStringLiteral("main window"));

    const QStringList keys = ui::MainWindow::sectionKeys();
    for (int i = keys.size() - 1; i >= 0; --i) {
        auto* action = child<QAction>(&window, qPrintable(QStringLiteral("goAction_") + keys[i]));
        CHECK(action->shortcut() == QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        action->trigger();
        CHECK(int(window.currentSection()) == i);
        // The section list's tooltips name the shortcut.
        CHECK(child<QListWidget>(&window, "sectionList")
                  ->item(i)
                  ->toolTip()
                  .contains(action->shortcut().toString(QKeySequence::NativeText)));
    }
    // Ctrl+2 then Ctrl+F: the households' search field has the focus.
    child<QAction>(&window, "goAction_households")->trigger();
    auto* find = child<QAction>(&window, "findAction");
    CHECK(find->shortcut() == QKeySequence(QKeySequence::Find));
    find->trigger();
    auto* search = child<QLineEdit>(&window, "householdSearchEdit");
    CHECK(search->hasFocus());
    CHECK(search->toolTip().contains(find->shortcut().toString(QKeySequence::NativeText)));
    CHECK_FALSE(accessibleName(search).isEmpty());

    test::screenshotIfAsked(&window, QStringLiteral("dark-households"));
}

TEST_CASE("ui: the backup reminder is short in the status bar, its details in the tooltip", "[ui][a11y]")
{
    Fixture f;
    QWidget window;
    ui::BackupController controller(&window);
    controller.setContext(f.db.get(), f.admin);
    REQUIRE_FALSE(controller.reminder()->isHidden());
    auto* text = child<QLabel>(controller.reminder(), "backupReminderText");
    CHECK(text->text() == ui::BackupController::tr("No backup yet"));
    CHECK(text->toolTip() == ui::BackupController::tr("This database has never been backed up."));
    CHECK(accessibleName(child<QPushButton>(controller.reminder(), "backupNowButton")).size() > 0);
    // Short: it leaves the status bar's room to the database's path.
    CHECK(text->sizeHint().width() < QFontMetrics(text->font()).horizontalAdvance(text->toolTip()));
}
