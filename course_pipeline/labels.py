"""The words the pipeline adds to pages and notebooks, in each language the site has. A new language adds
its column here (and its pages under docs/<code>/)."""

LABELS = {
    "zh": {
        # Under code blocks (page_outputs.py): an output's title, and the alt text of its images
        "output": "输出",
        "output-error": "报错",
        "output-warning": "警告",
        "alt-figure": "图",
        "alt-graph": "计算图",
        "alt-panels": "图，{count} 个子图",
        "alt-again": "（同上）",
        "alt-panel": "子图 {number}",
        "alt-x": "横轴",
        "alt-y": "纵轴",
        "alt-legend": "图例",
        "alt-colon": "：",
        "alt-list": "、",
        "alt-parts": "；",
        "alt-end": "。",
        "verified": "本页的输出记录于真实运行：",
        "verified-course": "本课程的所有输出都记录于真实运行：",
        "cpu": "CPU",
        "cuda": "CUDA GPU",
        # The stamp's date (page_furniture.py), the site's commit (overrides/partials/source-file.html)
        "recorded-dated": "本页的输出记录于 {date} 的真实运行（{devices}，PyTorch {torch}，{details}）。",
        "recorded-undated": "本页的输出记录于真实运行（{devices}，PyTorch {torch}，{details}）。",
        "details": "详情见页末",
        "list-separator": "、",
        "recorded-on": "记录于 {date}",
        "recorded-between": "（记录于 {first} 至 {last}）",
        "recorded-on-day": "（记录于 {first}）",
        "built-from": "本站由提交 {commit} 构建。",
        # The page's actions (overrides/partials/actions.html); an issue's title and body
        "edit": "编辑本页",
        "report": "报告本页的问题",
        "report-title": "页面问题：{page}",
        "report-body": "页面：{url}\n源文件：{source}\n\n问题：\n",
        # The 404 page (overrides/404.html), the footer (overrides/partials/copyright.html), link previews
        "not-found": "页面不存在",
        "not-found-text": "这个地址上没有页面：它可能改了名字或换了位置，也可能是链接写错了。",
        "go-home": "回到课程首页",
        "go-search": "搜索课程",
        "made-with": "本站使用 {link} 构建",
        "locale": "zh_CN",
        # The light/dark toggle (mkdocs.yml theme.palette, overrides/partials/palette.html)
        "palette-dark": "切换到深色模式",
        "palette-light": "切换到浅色模式",
        "notebook": "以笔记本查看",
        "download": "下载 .ipynb",
        "colab": "在 Colab 中打开",
        "notebook-intro": "本笔记本由课程页面「[{title}]({url})」生成，代码和输出与页面相同。从上到下依次运行即可。"
        "在 Google Colab 上，第一个代码单元会安装 Colab 没有预装的 `torchviz` 和中文字体 "
        "`fonts-noto-cjk`，并让 matplotlib 找到这些字体；在其他地方它什么都不做。在自己的电脑上运行需要 "
        "`pip install torch numpy scikit-learn matplotlib torchviz`，图中的中文还需要一种中文字体"
        "（例如 Debian/Ubuntu 的 `fonts-noto-cjk`）。",
    },
    "en": {
        "output": "Output",
        "output-error": "Error",
        "output-warning": "Warning",
        "alt-figure": "Figure",
        "alt-graph": "Computation graph",
        "alt-panels": "Figure, {count} panels",
        "alt-again": " (the same as above)",
        "alt-panel": "Panel {number}",
        "alt-x": "x axis",
        "alt-y": "y axis",
        "alt-legend": "legend",
        "alt-colon": ": ",
        "alt-list": ", ",
        "alt-parts": "; ",
        "alt-end": ". ",
        "verified": "The outputs on this page were recorded from real runs:",
        "verified-course": "Every output in this course was recorded from a real run:",
        "cpu": "CPU",
        "cuda": "CUDA GPU",
        "recorded-dated": "Outputs recorded from a real run on {date} ({devices}, PyTorch {torch}; {details}).",
        "recorded-undated": "Outputs recorded from a real run ({devices}, PyTorch {torch}; {details}).",
        "details": "details at the bottom",
        "list-separator": " and ",
        "recorded-on": "recorded {date}",
        "recorded-between": " (recorded between {first} and {last})",
        "recorded-on-day": " (recorded on {first})",
        "built-from": "This site was built from commit {commit}.",
        "edit": "Edit this page",
        "report": "Report a problem with this page",
        "report-title": "Problem on {page}",
        "report-body": "Page: {url}\nSource: {source}\n\nWhat is wrong:\n",
        "not-found": "Page not found",
        "not-found-text": "There is no page at this address: it may have been renamed or moved, or the link is wrong.",
        "go-home": "Go to the course's home page",
        "go-search": "Search the course",
        "made-with": "Made with {link}",
        "locale": "en_US",
        "palette-dark": "Switch to dark mode",
        "palette-light": "Switch to light mode",
        "notebook": "View as a notebook",
        "download": "Download .ipynb",
        "colab": "Open in Colab",
        "notebook-intro": "This notebook is generated from the course page [{title}]({url}), with the same code "
        "and outputs. Run it top to bottom. On Google Colab, the first code cell installs what "
        "Colab lacks, `torchviz` and the CJK font package `fonts-noto-cjk`, and makes matplotlib "
        "find those fonts; anywhere else it does nothing. On your own machine it needs "
        "`pip install torch numpy scikit-learn matplotlib torchviz`.",
    },
}


def labels(code: str) -> dict[str, str]:
    if code not in LABELS:
        raise KeyError(f"course_pipeline/labels.py has no words for the language '{code}' of mkdocs.yml; add them")
    return LABELS[code]
