#include "health/HealthImportDialog.h"
#include "Accessibility.h"

#include "common/Error.h"
#include "io/Csv.h"
#include "io/HealthImport.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cabas::ui {

namespace {
constexpr int kPreviewRows = 500;
}

HealthImportDialog::HealthImportDialog(const store::Database& db, const Session& session, Kind kind,
                                       QWidget* parent)
    : QDialog(parent), m_db(db), m_session(session)
{
    setObjectName(QStringLiteral("healthImportDialog"));
    setWindowTitle(tr("Import health records"));
    auto* layout = new QVBoxLayout(this);

    auto* form = new QFormLayout();
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("importKind"));
    m_kind->addItem(tr("Checkups (checkups.csv)"), static_cast<int>(Kind::Checkups));
    m_kind->addItem(tr("Diet questionnaires (questionnaires.csv)"), static_cast<int>(Kind::Questionnaires));
    m_kind->setCurrentIndex(kind == Kind::Checkups ? 0 : 1);
    form->addRow(tr("&Records:"), m_kind);
    auto* fileRow = new QHBoxLayout();
    m_file = new QLineEdit(this);
    m_file->setObjectName(QStringLiteral("importFile"));
    m_file->setReadOnly(true);
    auto* browse = new QPushButton(tr("&Choose…"), this);
    browse->setObjectName(QStringLiteral("importBrowseButton"));
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(browse);
    form->addRow(tr("&File:"), fileRow);
    if (auto* label = qobject_cast<QLabel*>(form->labelForField(fileRow)))
        label->setBuddy(m_file);
    layout->addLayout(form);

    m_preview = new QTableWidget(this);
    m_preview->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_preview->setAccessibleName(tr("Preview"));
    m_preview->setObjectName(QStringLiteral("importPreview"));
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setAlternatingRowColors(true);
    m_preview->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    layout->addWidget(m_preview, 2);

    layout->addWidget(new QLabel(tr("Problems:"), this));
    m_errors = new QListWidget(this);
    m_errors->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_errors->setAccessibleName(tr("Problems found"));
    m_errors->setObjectName(QStringLiteral("importErrors"));
    layout->addWidget(m_errors, 1);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("importSummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("importProgress"));
    m_progress->setAccessibleName(tr("Import progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->hide();
    layout->addWidget(m_progress);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_import = buttons->addButton(tr("&Import"), QDialogButtonBox::AcceptRole);
    m_import->setObjectName(QStringLiteral("importButton"));
    m_import->setEnabled(false);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_import, &QPushButton::clicked, this, [this] {
        if (runImport())
            m_import->setEnabled(false);
    });
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Choose a CSV file"), QFileInfo(m_path).absolutePath(),
                                         tr("CSV files (*.csv);;All files (*)"));
        if (!path.isEmpty())
            setFile(path);
    });
    connect(m_kind, &QComboBox::currentIndexChanged, this, &HealthImportDialog::recheck);
    resize(820, 560);
    a11y::connectLabels(this);
}

HealthImportDialog::Kind HealthImportDialog::kind() const
{
    return static_cast<Kind>(m_kind->currentData().toInt());
}

void HealthImportDialog::setKind(Kind kind)
{
    m_kind->setCurrentIndex(kind == Kind::Checkups ? 0 : 1);
}

bool HealthImportDialog::setFile(const QString& path)
{
    m_path = path;
    m_file->setText(QDir::toNativeSeparators(path));
    recheck();
    return m_clean;
}

void HealthImportDialog::showPreview(const QString& path)
{
    m_preview->clear();
    m_preview->setRowCount(0);
    m_preview->setColumnCount(0);
    io::CsvTable table;
    try {
        table = io::CsvTable::read(path);
    } catch (const Error&) {
        return; // the check says why
    }
    m_preview->setColumnCount(static_cast<int>(table.header.size()));
    m_preview->setHorizontalHeaderLabels(table.header);
    const int rows = std::min(kPreviewRows, static_cast<int>(table.rows.size()));
    m_preview->setRowCount(rows);
    QStringList lines;
    for (int r = 0; r < rows; ++r) {
        const io::CsvRow& row = table.rows[static_cast<size_t>(r)];
        lines << QString::number(row.line);
        for (int c = 0; c < row.fields.size() && c < m_preview->columnCount(); ++c)
            m_preview->setItem(r, c, new QTableWidgetItem(row.fields.at(c)));
    }
    m_preview->setVerticalHeaderLabels(lines); // the file's line numbers, as in the messages
    m_preview->resizeColumnsToContents();
}

void HealthImportDialog::recheck()
{
    m_clean = false;
    m_imported = 0;
    m_errors->clear();
    m_summary->clear();
    m_progress->hide();
    m_import->setEnabled(false);
    if (m_path.isEmpty())
        return;
    showPreview(m_path);
    io::HealthImportReport report;
    try {
        io::HealthImport import(m_db, m_session);
        report = kind() == Kind::Checkups ? import.checkCheckups(m_path) : import.checkQuestionnaires(m_path);
    } catch (const Error& e) {
        for (const QString& line : e.message().split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            m_errors->addItem(line);
        m_summary->setText(tr("The file cannot be imported: nothing will be written."));
        return;
    }
    for (const QString& error : report.errors)
        m_errors->addItem(error);
    for (const QString& warning : report.warnings)
        m_errors->addItem(tr("Warning: %1").arg(warning));
    if (!report.ok()) {
        m_summary->setText(tr("%n problem(s): correct the file and choose it again; nothing will be written.",
                              nullptr, static_cast<int>(report.errors.size())));
        return;
    }
    m_clean = true;
    m_summary->setText(tr("Ready to import: %1").arg(report.summary()));
    m_import->setEnabled(report.created > 0);
}

bool HealthImportDialog::runImport()
{
    if (!m_clean)
        return false;
    m_progress->setRange(0, 0); // busy: the import is one transaction
    m_progress->show();
    m_import->setEnabled(false);
    QApplication::setOverrideCursor(Qt::WaitCursor);
    QCoreApplication::processEvents();
    bool ok = false;
    try {
        io::HealthImport import(m_db, m_session);
        const io::HealthImportReport report =
            kind() == Kind::Checkups ? import.runCheckups(m_path) : import.runQuestionnaires(m_path);
        m_imported = report.created;
        m_summary->setText(tr("Imported: %1").arg(report.summary()));
        ok = true;
    } catch (const Error& e) {
        m_errors->clear();
        for (const QString& line : e.message().split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            m_errors->addItem(line);
        m_summary->setText(tr("Nothing was imported."));
    }
    QApplication::restoreOverrideCursor();
    m_progress->setRange(0, 1);
    m_progress->setValue(ok ? 1 : 0);
    m_clean = false;
    return ok;
}

} // namespace cabas::ui
