"""Official documents (公文) as PDF, in the layout of a Chinese public notice (红头).

The ballot's result announcement (票决结果公告), the draft resolution (决议草案), a cycle's
evaluation notice (测评通报) and a supervision letter (督办函): each is read from published
data only (content.py), numbered and dated by the event that made it (numbering.py), and
rendered by WeasyPrint from templates/documents/ with Debian's Noto CJK fonts (pdf.py).
The document is Chinese by nature; English readers get the same document.
"""
