"""Charts drawn on the server as inline SVG: no script, no CDN, nothing the strict content
security policy would refuse (colours are SVG attributes, not style attributes). Each chart is
decorative for assistive technology (aria-hidden): the table with the same numbers is always
shown next to it and is what screen readers and exports use."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from tickets.reports.figures import Table

WIDTH = 640
BAR_HEIGHT = 22
LABEL_WIDTH = 220
COLOURS = ["#2e6fa7", "#c05a00", "#3b7d23"]  # contrast ≥ 4.5:1 on white


def _svg(height: int, body) -> str:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="ww-chart" viewBox="0 0 {} {}" '
        'width="100%" aria-hidden="true" focusable="false">{}</svg>',
        WIDTH,
        height,
        body,
    )


def bar_chart(table: Table) -> str:
    """Horizontal bars: the first column's labels, the second column's numbers."""
    rows = table.rows[:15]
    if not rows:
        return ""
    largest = max((row[1].number for row in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 60
    parts = []
    for index, row in enumerate(rows):
        y = index * (BAR_HEIGHT + 6)
        length = round(span * row[1].number / largest)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="#1d1d1d">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="13" fill="#1d1d1d">{}</text>',
                LABEL_WIDTH - 8,
                y + 16,
                str(row[0])[:32],
                LABEL_WIDTH,
                y,
                length,
                BAR_HEIGHT,
                COLOURS[0],
                LABEL_WIDTH + length + 6,
                y + 16,
                str(row[1]),
            )
        )
    return _svg(len(rows) * (BAR_HEIGHT + 6), mark_safe("".join(parts)))  # noqa: S308


def line_chart(table: Table, series=(1, 2)) -> str:
    """One line per chosen column over the rows (e.g. received and answered per week)."""
    rows = table.rows
    if len(rows) < 2:
        return bar_chart(table)
    height, top, bottom, left = 220, 10, 40, 40
    largest = max((row[col].number for row in rows for col in series), default=0) or 1
    step = (WIDTH - left - 45) / (len(rows) - 1)  # room for the last date label

    def point(index, value):
        return left + index * step, top + (height - top - bottom) * (1 - value / largest)

    lines = []
    for colour, column in zip(COLOURS, series, strict=False):
        points = " ".join(
            "{:.1f},{:.1f}".format(*point(index, row[column].number))
            for index, row in enumerate(rows)
        )
        lines.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"></polyline>'
                '<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                points,
                colour,
                left + 4 + 150 * series.index(column),
                height - 4,
                colour,
                table.columns[column],
            )
        )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#1d1d1d">{}</text>',
        (
            (f"{point(index, 0)[0]:.1f}", height - bottom + 16, str(row[0]))
            for index, row in enumerate(rows)
            if len(rows) <= 8 or index % max(1, len(rows) // 8) == 0
        ),
    )
    axis = format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#5c5c5c"></line>'
        '<text x="4" y="{}" font-size="11" fill="#1d1d1d">{}</text>',
        left,
        height - bottom,
        WIDTH - 10,
        height - bottom,
        top + 10,
        int(largest),
    )
    return _svg(height, mark_safe(axis + labels + "".join(lines)))  # noqa: S308


def chart(table: Table) -> str:
    if table.chart == "line":
        return line_chart(table)
    if table.chart == "bar":
        return bar_chart(table)
    return ""


# --- The same charts as PNG images, for the DOCX report (Word shows no SVG of ours reliably).
# Drawn with Pillow (already installed for Wagtail's images) and its built-in font; the report
# puts the table with the same (suppressed) numbers right under each picture.

PNG_SCALE = 2  # drawn at twice the size for a sharp print


def _png(size, draw_body) -> bytes:
    import io

    from PIL import Image, ImageDraw, ImageFont

    width, height = size
    image = Image.new("RGB", (width * PNG_SCALE, height * PNG_SCALE), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=12 * PNG_SCALE)
    draw_body(draw, font, PNG_SCALE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def bar_png(table: Table) -> bytes | None:
    rows = table.rows[:15]
    if not rows:
        return None
    largest = max((row[1].number for row in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 60

    def body(draw, font, k):
        for index, row in enumerate(rows):
            y = index * (BAR_HEIGHT + 6)
            length = round(span * row[1].number / largest)
            label = str(row[0])[:32]
            draw.text(((LABEL_WIDTH - 8) * k, (y + 4) * k), label, fill="#1d1d1d", font=font,
                      anchor="ra")  # fmt: skip
            if length:
                draw.rectangle(
                    (LABEL_WIDTH * k, y * k, (LABEL_WIDTH + length) * k, (y + BAR_HEIGHT) * k),
                    fill=COLOURS[0],
                )
            draw.text(((LABEL_WIDTH + length + 6) * k, (y + 4) * k), str(row[1]),
                      fill="#1d1d1d", font=font)  # fmt: skip

    return _png((WIDTH, len(rows) * (BAR_HEIGHT + 6)), body)


def line_png(table: Table, series=(1, 2)) -> bytes | None:
    rows = table.rows
    if len(rows) < 2:
        return bar_png(table)
    height, top, bottom, left = 220, 10, 40, 40
    largest = max((row[col].number for row in rows for col in series), default=0) or 1
    step = (WIDTH - left - 45) / (len(rows) - 1)

    def point(index, value, k):
        return (
            (left + index * step) * k,
            (top + (height - top - bottom) * (1 - value / largest)) * k,
        )

    def body(draw, font, k):
        draw.line((left * k, (height - bottom) * k, (WIDTH - 10) * k, (height - bottom) * k),
                  fill="#5c5c5c", width=k)  # fmt: skip
        draw.text((4 * k, top * k), str(int(largest)), fill="#1d1d1d", font=font)
        for index, row in enumerate(rows):
            if len(rows) <= 8 or index % max(1, len(rows) // 8) == 0:
                x = point(index, 0, k)[0]
                draw.text((x, (height - bottom + 6) * k), str(row[0]), fill="#1d1d1d",
                          font=font, anchor="ma")  # fmt: skip
        for position, (colour, column) in enumerate(zip(COLOURS, series, strict=False)):
            points = [point(index, row[column].number, k) for index, row in enumerate(rows)]
            draw.line(points, fill=colour, width=3 * k, joint="curve")
            draw.text(((left + 4 + 150 * position) * k, (height - 16) * k),
                      table.columns[column], fill=colour, font=font)  # fmt: skip

    return _png((WIDTH, height), body)


def chart_png(table: Table) -> bytes | None:
    """The table's chart as PNG (None: the table has no chart or no rows)."""
    if table.chart == "line":
        return line_png(table)
    if table.chart == "bar":
        return bar_png(table)
    return None
