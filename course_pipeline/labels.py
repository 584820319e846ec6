"""The words the pipeline adds to pages and notebooks, in each language the site has. A new language adds
its column here (and its pages under docs/<code>/)."""

LABELS = {
    "zh": {
        "output": "输出",
        "graph": "图",
        "verified": "本页的输出记录于真实运行：",
        "verified-course": "本课程的所有输出都记录于真实运行：",
        "cpu": "CPU",
        "cuda": "CUDA GPU",
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
        "graph": "Figure",
        "verified": "The outputs on this page were recorded from real runs:",
        "verified-course": "Every output in this course was recorded from a real run:",
        "cpu": "CPU",
        "cuda": "CUDA GPU",
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
