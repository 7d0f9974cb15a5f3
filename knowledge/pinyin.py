"""Pinyin helpers: the sound of Chinese text, and pinyin typed in Latin letters.

Residents type homophones (户口签移 for 户口迁移, 底保 for 低保) and plain pinyin with
or without spaces (dibao, hukou qianyi, hukouqianyi). Both become toneless syllables
that are compared with the syllables of the knowledge base. Syllables are folded
to a "fuzzy" form (zh→z, ch→c, sh→s, l→n, -ing→-in, -eng→-en) so that the usual
regional confusions still meet.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


def _words(text: str) -> list[str]:
    """Whitespace-separated words of a word-list literal."""
    return text.split()


# Every toneless Mandarin syllable (as pypinyin spells them, plus lu/nu spellings of lv/nv).
_SYLLABLES = frozenset(_words("""
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang
cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan
chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de den deng di dian
diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo fou fu
ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang
hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin
jing jiong jiu ju juan jue jun ka kai kan kang kao ke ken keng kong kou ku kua kuai kuan kuang
kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu long lou lu
luan lun luo lv lve lue ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou
mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nun
nuo nv nve nue o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia
qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru
rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shen sheng shi
shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang
tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo
wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying
yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe
zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun
zuo
"""))
_LONGEST = max(len(s) for s in _SYLLABLES)


@lru_cache(maxsize=4096)
def fuzzy(syllable: str) -> str:
    """Fold a syllable so that common confusions (z/zh, n/l, in/ing …) compare equal."""
    s = syllable.replace("v", "u")
    for retroflex, flat in (("zh", "z"), ("ch", "c"), ("sh", "s")):
        if s.startswith(retroflex):
            s = flat + s[2:]
            break
    if s.startswith("l"):
        s = "n" + s[1:]
    if s.endswith("ing") or s.endswith("eng"):
        s = s[:-1]
    return s


@lru_cache(maxsize=65536)
def han_syllables(text: str) -> tuple[str, ...]:
    """Fuzzy toneless syllables of a run of Han characters, one per character.

    Cached: knowledge bases and questions repeat the same phrases, and pypinyin's
    phrase-aware conversion (银行 is yin hang) is the slowest step of indexing."""
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: ["?"] * len(chars))
    if len(syllables) != len(text):  # pypinyin keeps one syllable per Han char; be safe
        return ("?",) * len(text)
    return tuple(fuzzy(s) for s in syllables)


@lru_cache(maxsize=4096)
def split_pinyin(word: str) -> tuple[str, ...] | None:
    """Split Latin letters into pinyin syllables ("hukouqianyi" → hu kou qian yi).

    Returns None when the word is not pinyin. Among the possible splits the one with
    the fewest syllables wins (xian is 先, not 西安), which is how people type it.
    """
    n = len(word)
    if n == 0 or n > 60:
        return None
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for end in range(1, n + 1):
        for start in range(max(0, end - _LONGEST), end):
            head = best[start]
            piece = word[start:end]
            if head is not None and piece in _SYLLABLES:
                candidate = (*head, piece)
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[n]


def latin_syllables(word: str) -> list[str] | None:
    """Fuzzy syllables of a word typed in pinyin, or None if it is not pinyin."""
    split = split_pinyin(word)
    return None if split is None else [fuzzy(s) for s in split]
