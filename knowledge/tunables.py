"""Every number that tunes how a question is read, with what it does.

Weights multiply a concept's weight (how much of the question it is); factors multiply
how well a rendering of it counts when an item contains it; costs steer segmentation.
Changing one changes the figures on every evaluation set: measure with the commands in
the README's matcher section, and never tune on the holdout or street sets.
"""

# -- renderings: how well another way of saying a word counts -----------------------------
SYNONYM_FACTOR = 0.9  # an official synonym is nearly, not quite, the word itself
SOUND_FACTOR = 0.8  # same sound, different characters: probably a typo, maybe not
PINYIN_INPUT_FACTOR = 0.9  # pinyin typed on purpose, turned back into words
INITIALS_FACTOR = 0.8  # pinyin initials (sfz): a good guess, not a certainty
SPECIFICITY = 1.0  # how much less a rendering below the concept's mean specificity explains

# -- concept weights ------------------------------------------------------------------------
SINGLE_CHAR_WEIGHT = 0.5  # one character alone is weak, ambiguous evidence
UNKNOWN_LATIN_WEIGHT = 0.5  # an English word we have no translation for
OFF_TOPIC_WEIGHT = 1.5  # a subject known to be outside the center, absent from the KB
KIN_WEIGHT = 0.6  # 我妈, my father: who is asking about, not what
ASK_WEIGHT = 0.6  # 去哪, 多久: how, where, when — every item answers these
ASK_CAP = 0.5  # ... and weigh at most half a word found in no item, whatever their IDF
STORY_WEIGHT = 0.35  # times and quantities (前年, 两个, 十几万): they tell, not ask
UNKNOWN_SPAN_WEIGHT = 0.8  # leftover characters: sometimes a topic, often debris
# An everyday word the KB does not know weighs between these shares of an unknown word,
# by its frequency rank in the general dictionary (rare words tell more).
BACKGROUND_FLOOR, BACKGROUND_SPAN = 0.35, 0.65

# -- long messages --------------------------------------------------------------------------
NARRATIVE_CLAUSE = 0.5  # a clause of a long message that is not the request
LONG_MESSAGE_CHARS = 24  # from this many letters on, a message is read clause by clause
LATIN_WORD_LETTERS = 1.5  # an English word counts as this many Chinese characters of length

# -- segmentation ---------------------------------------------------------------------------
UNKNOWN_CHAR_COST = 2.5  # segmentation prefers dictionary words to unknown characters
# Cost of one token by kind: on equal token counts, prefer the KB's words — except a whole
# off-topic phrase (结婚证), which must not be cut into the KB's pieces.
WORD_COST, STOP_COST, OFF_TOPIC_COST, GENERAL_COST = 0.9, 1.0, 0.85, 1.05
PARTICLE_COST = 0.7  # aspect and mood particles stand on their own: 发烧 + 了, not 发 + 烧了
MAX_KIND_CACHE = 200_000  # remembered segmentation lookups before starting afresh

# -- Latin text -----------------------------------------------------------------------------
MAX_ENGLISH_PHRASE = 6  # longest English phrase looked up, in words
MAX_PINYIN_WORD = 8  # longest word read from pinyin, in syllables
MAX_INITIALS = 6  # longest pinyin abbreviation (sfz), in letters
INITIALS_CHOICES = 4  # words kept for one set of initials (养老保险, 医疗保险 …)

# -- what the KB serves ---------------------------------------------------------------------
ADVICE_KIND = "咨询"  # an item that gives advice on a subject rather than a service
STRONG_FIELD = 0.9  # field weight from which a mention says the KB serves a subject
