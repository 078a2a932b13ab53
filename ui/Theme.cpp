#include "Theme.h"

#include <QAbstractAxis>
#include <QAbstractBarSeries>
#include <QApplication>
#include <QBarSet>
#include <QChart>
#include <QEvent>
#include <QLabel>
#include <QLegend>
#include <QPointer>
#include <QStyle>
#include <QStyleFactory>
#include <QWidget>
#include <QXYSeries>
#include <algorithm>
#include <cmath>

namespace cabas::ui::theme {

namespace {

const char* const kToneProperty = "cabasTone";
const char* const kShapeProperty = "cabasToneShape";
// The least contrast a coloured text keeps with its background (WCAG AA asks 4.5:1; a margin for rounding).
constexpr double kMinimumContrast = 4.6;

struct ToneColours
{
    QColor foreground;
    QColor background;
    QColor border;
};

// The colours of a tone on a light and on a dark palette; foreground() then makes sure the text is readable
// on the palette actually used.
ToneColours colours(Tone tone, bool dark)
{
    switch (tone) {
    case Tone::Error:
        return dark
                   ? ToneColours{QColor(0xff, 0xb4, 0xab), QColor(0x4a, 0x1c, 0x18), QColor(0x8c, 0x3b, 0x35)}
                   : ToneColours{QColor(0xb3, 0x26, 0x1e), QColor(0xfd, 0xec, 0xea),
                                 QColor(0xf1, 0xb8, 0xb4)};
    case Tone::Warning:
        return dark
                   ? ToneColours{QColor(0xff, 0xd6, 0x8a), QColor(0x3f, 0x31, 0x13), QColor(0x80, 0x65, 0x26)}
                   : ToneColours{QColor(0x7a, 0x4f, 0x01), QColor(0xff, 0xf4, 0xd6),
                                 QColor(0xf0, 0xd5, 0x8c)};
    case Tone::Success:
        return dark
                   ? ToneColours{QColor(0x9a, 0xd7, 0xa9), QColor(0x17, 0x35, 0x1f), QColor(0x3f, 0x7a, 0x52)}
                   : ToneColours{QColor(0x1e, 0x6b, 0x34), QColor(0xe6, 0xf4, 0xea),
                                 QColor(0xa8, 0xd5, 0xb5)};
    case Tone::Muted:
        break;
    }
    return {};
}

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - t) + b.redF() * t),
                            static_cast<float>(a.greenF() * (1 - t) + b.greenF() * t),
                            static_cast<float>(a.blueF() * (1 - t) + b.blueF() * t));
}

// `colour`, made lighter (on a dark background) or darker (on a light one) until it reaches the contrast.
QColor readableOn(const QColor& colour, const QColor& background, double minimum = kMinimumContrast)
{
    QColor c = colour.toHsl();
    const bool lighten = relativeLuminance(background) < 0.18;
    for (int step = 0; step < 60 && contrastRatio(c, background) < minimum; ++step) {
        const int l = std::clamp(c.lightness() + (lighten ? 5 : -5), 0, 255);
        c.setHsl(c.hslHue(), c.hslSaturation(), l);
        if (l == 0 || l == 255)
            break;
    }
    return c.toRgb();
}

QString rgb(const QColor& c)
{
    return c.name(QColor::HexRgb);
}

// Re-applies the tones when the application's palette changes (the system switching to a dark theme).
class ToneWatcher : public QObject
{
  public:
    using QObject::QObject;

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange) {
            const auto widgets = QApplication::allWidgets();
            for (QWidget* w : widgets) {
                const QVariant tone = w->property(kToneProperty);
                if (tone.isValid())
                    w->setStyleSheet(styleSheet(w, static_cast<Tone>(tone.toInt()),
                                                static_cast<Shape>(w->property(kShapeProperty).toInt())));
            }
        }
        return QObject::eventFilter(watched, event);
    }
};

void watchPalette()
{
    static QPointer<ToneWatcher> watcher;
    if (watcher || !qApp)
        return;
    watcher = new ToneWatcher(qApp);
    qApp->installEventFilter(watcher);
}

} // namespace

bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < palette.color(QPalette::WindowText).lightness();
}

QPalette currentPalette()
{
    return QApplication::palette();
}

QColor background(Tone tone, const QPalette& palette)
{
    if (tone == Tone::Muted)
        return palette.color(QPalette::Window);
    return colours(tone, isDark(palette)).background;
}

QColor border(Tone tone, const QPalette& palette)
{
    if (tone == Tone::Muted)
        return palette.color(QPalette::Mid);
    return colours(tone, isDark(palette)).border;
}

QColor foreground(Tone tone, const QPalette& palette)
{
    const QColor window = palette.color(QPalette::Window);
    const QColor base = palette.color(QPalette::Base);
    QColor c = tone == Tone::Muted ? mix(palette.color(QPalette::WindowText), window, 0.35)
                                   : colours(tone, isDark(palette)).foreground;
    // Readable on the window (labels), on the lists and tables (base) and in the tone's box.
    c = readableOn(c, window);
    c = readableOn(c, base);
    if (tone != Tone::Muted)
        c = readableOn(c, colours(tone, isDark(palette)).background);
    return c;
}

QColor accentBackground(const QPalette& palette)
{
    return isDark(palette) ? QColor(0x2e, 0x4a, 0x3b) : QColor(0xd3, 0xe6, 0xda);
}

QColor accentForeground(const QPalette& palette)
{
    return readableOn(isDark(palette) ? QColor(0xe3, 0xf3, 0xe8) : QColor(0x16, 0x3a, 0x2a),
                      accentBackground(palette));
}

QColor tileBackground(const QPalette& palette)
{
    return isDark(palette) ? QColor(0x23, 0x2b, 0x26) : QColor(0xf2, 0xf7, 0xf3);
}

QColor tileBorder(const QPalette& palette)
{
    return isDark(palette) ? QColor(0x46, 0x58, 0x4c) : QColor(0xc8, 0xd6, 0xcc);
}

QString styleSheet(const QWidget* widget, Tone tone, Shape shape, const QPalette& palette)
{
    const QString selector =
        widget && !widget->objectName().isEmpty()
            ? QStringLiteral("%1#%2").arg(
                  QString::fromLatin1(widget->metaObject()->className()).section(QStringLiteral("::"), -1),
                  widget->objectName())
            : QString();
    QString rules = QStringLiteral("color: %1;").arg(rgb(foreground(tone, palette)));
    if (shape == Shape::Box)
        rules +=
            QStringLiteral(" background: %1; border: 1px solid %2; border-radius: 4px; padding: 6px 8px;")
                .arg(rgb(background(tone, palette)), rgb(border(tone, palette)));
    else if (shape == Shape::Badge)
        rules +=
            QStringLiteral(" background: %1; border: 1px solid %2; border-radius: 8px; padding: 1px 8px;")
                .arg(rgb(background(tone, palette)), rgb(border(tone, palette)));
    return selector.isEmpty() ? rules : QStringLiteral("%1 { %2 }").arg(selector, rules);
}

QLabel* errorBox(QWidget* parent, const QString& objectName)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setTone(label, Tone::Error, Shape::Box);
    label->hide();
    return label;
}

void setTone(QWidget* widget, Tone tone, Shape shape)
{
    widget->setProperty(kToneProperty, static_cast<int>(tone));
    widget->setProperty(kShapeProperty, static_cast<int>(shape));
    widget->setStyleSheet(styleSheet(widget, tone, shape));
    watchPalette();
}

void clearTone(QWidget* widget)
{
    widget->setProperty(kToneProperty, QVariant());
    widget->setProperty(kShapeProperty, QVariant());
    widget->setStyleSheet(QString());
}

QString span(const QString& text, Tone tone)
{
    return QStringLiteral("<span style='color:%1'>%2</span>").arg(rgb(foreground(tone)), text);
}

void adaptChart(QChart* chart, const QPalette& palette)
{
    if (!chart || !isDark(palette))
        return;
    const QColor text = palette.color(QPalette::Text);
    chart->setBackgroundBrush(palette.brush(QPalette::Base));
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(text);
    chart->legend()->setLabelColor(text);
    const auto axes = chart->axes();
    for (QAbstractAxis* axis : axes) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
        axis->setLinePenColor(palette.color(QPalette::Light));
        axis->setGridLineColor(palette.color(QPalette::Light));
        axis->setMinorGridLineColor(palette.color(QPalette::Midlight));
    }
    // Lines and bars keep their hue, lightened to a contrast of 3:1 with the background (WCAG, graphics).
    const QColor base = palette.color(QPalette::Base);
    const auto series = chart->series();
    for (QAbstractSeries* s : series) {
        if (auto* xy = qobject_cast<QXYSeries*>(s)) {
            QPen pen = xy->pen();
            pen.setColor(readableOn(pen.color(), base, 3.0));
            xy->setPen(pen);
        } else if (auto* bars = qobject_cast<QAbstractBarSeries*>(s)) {
            const auto sets = bars->barSets();
            for (QBarSet* set : sets) {
                set->setColor(readableOn(set->color(), base, 3.0));
                set->setLabelColor(text);
            }
        }
    }
}

QIcon applicationIcon()
{
    QIcon icon(QStringLiteral(":/icons/cabas.svg"));
    for (const int size : {16, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/cabas-%1.png").arg(size), QSize(size, size));
    return icon;
}

double relativeLuminance(const QColor& colour)
{
    const auto channel = [](double c) {
        return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    const QColor c = colour.toRgb();
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

double contrastRatio(const QColor& a, const QColor& b)
{
    const double la = relativeLuminance(a);
    const double lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QPalette darkPalette()
{
    const QColor window(0x2d, 0x2d, 0x30);
    const QColor base(0x1e, 0x1e, 0x1f);
    const QColor text(0xee, 0xee, 0xee);
    const QColor disabled(0x8a, 0x8a, 0x8a);
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x33, 0x36, 0x38));
    p.setColor(QPalette::ToolTipBase, QColor(0x3c, 0x3c, 0x40));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0xa8, 0xa8, 0xa8));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x3a, 0x3a, 0x3d));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x8a, 0x80));
    p.setColor(QPalette::Light, QColor(0x50, 0x50, 0x54));
    p.setColor(QPalette::Midlight, QColor(0x45, 0x45, 0x48));
    p.setColor(QPalette::Mid, QColor(0x30, 0x30, 0x33));
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1a, 0x1c));
    p.setColor(QPalette::Shadow, QColor(0x0c, 0x0c, 0x0c));
    p.setColor(QPalette::Highlight, QColor(0x2a, 0x66, 0xc4));
    p.setColor(QPalette::HighlightedText, QColor(0xff, 0xff, 0xff));
    p.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xf8));
    p.setColor(QPalette::LinkVisited, QColor(0xc5, 0x8a, 0xf9));
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x50, 0x50, 0x54));
    p.setColor(QPalette::Disabled, QPalette::HighlightedText, disabled);
    return p;
}

bool applyTheme(const QString& name)
{
    const QString theme = name.trimmed().toLower();
    if (theme.isEmpty() || theme == QLatin1String("system"))
        return true;
    if (theme != QLatin1String("dark") && theme != QLatin1String("light"))
        return false;
    if (QStyle* fusion = QStyleFactory::create(QStringLiteral("Fusion")))
        QApplication::setStyle(fusion);
    QApplication::setPalette(theme == QLatin1String("dark") ? darkPalette()
                                                            : QApplication::style()->standardPalette());
    return true;
}

} // namespace cabas::ui::theme
