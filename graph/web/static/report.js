// Draw each chart of the report page from its figure JSON (the same series as the PNGs).
for (const el of document.querySelectorAll(".plot")) {
  const fig = JSON.parse(el.dataset.figure);
  Plotly.newPlot(el, fig.data, fig.layout, {responsive: true, displaylogo: false});
}
