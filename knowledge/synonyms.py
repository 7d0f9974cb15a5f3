"""General vocabulary of Chinese public-service questions (no item-specific rules).

Residents ask in everyday words; knowledge bases are written in official ones.
These tables bridge the two for *any* service center's knowledge base:

- `COLLOQUIAL`: everyday word → official words it usually means (孩子 → 子女/新生儿).
- `ENGLISH`: English word or phrase → Chinese words, for questions asked in English.
- `STOPWORDS`: function words and generic service verbs (怎么, 办理, 需要 …) that say
  nothing about *which* service is meant; they are ignored when matching.
- `OFF_TOPIC`: subjects residents often bring to a service center that a typical
  township center does not handle (护照, 天气 …). They only count against a match
  when the loaded knowledge base does not mention them, so a knowledge base that
  does offer passports is matched as usual.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    """Whitespace-separated words of a word-list literal."""
    return text.split()



def _expand(groups: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """'a|b|c' keys share one space-separated target list."""
    table: dict[str, tuple[str, ...]] = {}
    for keys, targets in groups.items():
        for key in keys.split("|"):
            table[key] = tuple(dict.fromkeys((*table.get(key, ()), *targets.split())))
    return table


COLLOQUIAL = _expand({
    # people
    "孩子|小孩|娃|娃娃|小孩子|宝宝|宝贝|小宝宝|儿女|闺女|儿子|女儿|小娃": "子女 新生儿 儿童 未成年人",
    "刚出生|刚生|新生|生娃|生孩子|生小孩|生了|生完|添丁|坐月子|出生了": "出生 新生儿",
    "二胎|三胎|怀孕|怀上|要孩子|备孕|头胎|一胎|生二胎|生三胎|生育": "生育 生育登记 怀孕",
    "老人|老人家|老年|老头|老太太|老太|老爷子|上了年纪|岁数大|年纪大|老两口|老伴": "老年人 高龄 老年",
    "八十|九十|八十多|九十多|八九十|一百岁|百岁": "高龄 80周岁",
    "爸|爸爸|妈|妈妈|我爸|我妈|父亲|母亲|爹|娘|老爸|老妈|爹妈|爸妈": "父母",
    "媳妇|老婆|老公|男人|丈夫|妻子|爱人|对象": "配偶 夫妻",
    "残废|残障|瘸|聋|哑|盲|瞎|傻|智障|脑瘫|截肢|瘫痪|坐轮椅": "残疾 残疾人",
    "当兵|当过兵|部队|退伍|复员|转业|军人|老兵|军属|烈属|参军": "退役军人 军人 退役 优抚",
    "打工|上班|务工|干活|找活|农民工": "就业 务工 劳动者",
    "死了|去世|过世|走了|没了|病故|离世|人没|人走|老了人|丧事|办丧事|白事": "死亡 去世 殡葬",
    "下葬|火化|火葬|埋|骨灰|墓地": "殡葬 火化 丧葬",
    "穷|贫困|困难户|没钱|揭不开锅|吃不上饭|日子难|过不下去|家里困难|生活困难|没收入|没有收入":
        "困难 贫困 低收入 生活困难",
    "救济|救济金|帮扶|接济|兜底": "救助 帮扶 低保",
    "生活费|养活|过日子": "生活 基本生活 生活保障",
    "钱|补助|补钱|补贴钱|发钱|给钱|领钱|拿钱|钱款|费用": "补贴 补助 津贴 资金 费用",
    "工资|工钱|薪水|血汗钱|辛苦钱": "工资 劳动报酬 薪",
    "欠钱|不给钱|不发工资|拖欠|讨薪|要工资|讨工钱|要不到钱|拿不到钱|老板跑了": "欠薪 拖欠 工资",
    # places: a named city or province usually means "elsewhere" (异地) to a township center
    "外地|外省|省外|市外|县外|外面|北京|上海|广州|深圳|杭州|南京|武汉|长沙|成都|重庆|天津|苏州|东莞|厦门|西安|郑州|"
    "省城|大城市": "异地 外地",
    # 户籍 / 证件
    "上户口|报户口|落户口|入户|登户口|上户|户口上|办户口": "落户 户口 户口登记 出生登记",
    "迁户口|户口迁|转户口|户口转|挪户口|迁回|迁出|迁入|迁走|迁过来|迁过去|户口搬|搬户口":
        "户口迁移 迁移 迁入 迁出",
    "户口本|户口簿|户口薄": "户口簿 户口",
    "消户口|销户|注销户口|销户口|户口注销|销掉|销了|注销掉|消掉": "户口注销 注销",
    "身份证|二代证|身份证件": "居民身份证 身份证",
    "暂住证|外地人|外来|外地户口|非本地": "居住证 流动人口 非本地户籍",
    "丢了|掉了|弄丢|遗失|丢失|找不到了|不见了": "遗失 补领 补办",
    "坏了|破了|烂了|磨损|消磁|看不清": "损坏 换领 补换",
    "换证|换新|换个新|到期|过期|快到期": "换领 补换 到期",
    "补办|补一个|重新办|再办": "补办 补领 补换",
    # 社保 / 医保
    "医保|医疗保险|农合|新农合|合作医疗": "医疗保险 医保 居民医保",
    "社保|养老保险|社会保险": "社会保险 养老保险 社保",
    "养老钱|养老金|退休金|退休工资|老了领钱|领养老|养老待遇": "养老金 养老保险 待遇领取",
    "看病|就诊|住院|瞧病|看医生|治病|医药费|医疗费|药费|看病钱|住院费": "就医 医疗 医疗费用 住院",
    "报销|报账|报回来|能报|报多少|报一下|可以报": "报销 结算",
    "外地看病|去外地看病|在外地住院|去大城市看病|转院|省外看病|外省看病": "异地就医 转诊 备案",
    "慢性病|慢病|老毛病|长期吃药|常年吃药|高血压|糖尿病|尿毒症|透析|癌症": "慢特病 慢性病 门诊慢特病",
    "大病|重病|看不起病|医不起": "医疗救助 大病 重特大疾病",
    "交|缴|交钱|缴钱|交费|缴费|交多少|缴多少|续费|断交|断缴|没交|补交": "缴费 缴纳",
    "单据|票据|发票|收据|单子|清单|病历": "票据 发票 单据 病历",
    "社保卡|医保卡|卡丢了|卡坏了": "社会保障卡 社保卡",
    # 住房 / 土地 / 农业
    "房子|房屋|住房|住的地方|没房|没地方住|租房|房租": "住房 房屋",
    "盖房|盖房子|建房|起房子|修房|修房子|翻盖|翻建|新房|宅基": "建房 宅基地 农村建房",
    "危房|房子要倒|房子漏|漏雨|裂缝|土坯房|快塌了|要塌": "危房 危房改造 安全",
    "砍树|伐树|砍伐|锯树|砍几棵树|卖木头|木材|砍": "采伐 林木采伐 采伐许可",
    "山|山上|山林|林地|林子|树林|自留山": "林地 山林 林木",
    "种地|种田|农田|庄稼|地里|责任田": "耕地 农业 种植",
    "买农机|农机|拖拉机|收割机|插秧机|旋耕机|无人机": "农机 农机购置 农业机械",
    "租地|转租|包地|承包地|地租给|流转": "土地流转 经营权 流转",
    "种植技术|养殖|病虫害|施肥|打药|种苗|养猪|养鸡|养鱼": "农业技术 种植 养殖",
    # 就业 / 创业 / 司法
    "找工作|没工作|失业|没活干|下岗|找事做": "就业 失业 就业失业登记 求职",
    "开店|开个店|做生意|做买卖|开小卖部|摆摊|开饭店|开超市|营业执照|执照": "个体工商户 营业执照 经营",
    "借钱|贷款|借款|无息|贴息": "贷款 创业担保贷款 贴息",
    "学技术|学手艺|培训|考证|技能": "职业技能培训 技能 培训",
    "打官司|请律师|找律师|律师费|起诉|被告": "法律援助 诉讼 律师",
    "吵架|闹矛盾|纠纷|扯皮|邻居|隔壁|邻里|打架|矛盾|闹|闹翻|不讲理|评理|说理|讲理|出面|调和":
        "纠纷 调解 人民调解 邻里纠纷",
    "法律问题|懂法|问法律": "法律咨询 法律",
    "政策|文件": "政策 政策咨询",
    "超市|小卖部|商店|门面|店铺|饭馆|小饭馆|餐馆|饭店|理发店|早餐店|网店|开店铺": "个体工商户 经营 营业执照",
    "倒闭|裁员|被裁|辞退|开除|解雇|停工|厂子倒闭|没活干|失业金": "失业 就业失业 失业保险金",
    "学费|学手艺|学个|学门": "培训 技能 职业技能培训",
    "招人|招工|用工|招聘|缺人|进厂|工厂|厂里|上班的地方": "招聘 用工 就业 岗位",
    "遗嘱|遗产|继承|分家产|分家|分财产": "遗产继承 继承 法律",
    "白血病|癌|肿瘤|化疗|手术|重病|大病|绝症|住院费|医药费太贵": "重特大疾病 大病 医疗救助 住院",
    "买药|拿药|开药|药钱": "门诊 药费 慢特病",
    "满六十|到六十|六十岁|年满六十|退休年龄|到年龄|到岁数": "待遇领取 养老金 领取 年满60周岁",
    "种粮大户|合作社|大户|承包给|包出去|租出去": "土地流转 经营权 流转",
    "没劳动力|丧失劳动能力|干不动|干不了活|不能干活|劳动能力": "丧失劳动能力 劳动能力 困难",
    "果树|橘子|柑橘|水稻|玉米|蔬菜|大棚|发黄|烂根|生虫|虫害|长虫|死苗|茶叶|鸡瘟|猪瘟":
        "病虫害 种植 农业技术 养殖",
    "评残|评个残|残疾等级|鉴定残疾|手指|手指头|断手|断腿|腿脚|失明|聋哑|肢体|残了":
        "残疾 肢体残疾 评定 残疾人证",
    "通电|接电|拉电|电线|通水|接水|通气|接气|开户": "用电 报装 供电 用水",
    "中风|瘫痪|躺床上|卧床|瘫在床上|生活不能自理|不能自理|失能|植物人|老年痴呆|偏瘫":
        "重度残疾 护理 失能 生活不能自理",
    "打零工|零工|挣钱少|收入低|工资低|挣得少|挣不了钱|没啥收入|收入少": "低收入 收入 困难",
    "房东|押金|租金|退押金|房租不退|租客": "租赁 纠纷 合同 法律",
    "树|大树|樟树|杉树|松树|竹子|竹林|果树林|树木": "林木 树木 采伐",
    "报批|批|批准|批文|要批": "审批 许可",
    "草莓|辣椒|苗|白粉病|病害|打什么药|农药|化肥|种子|育苗|嫁接": "病虫害 种植 农业技术",
    "加急|当天|当场|多久能拿|几天能拿|多久出|多久下来": "办理时限 即办",
    # 党员
    "党员|入党|共产党": "党员 党组织",
    "组织关系|党组织关系|转党关系|党关系": "组织关系 转接 党员",
    # 水电气
    "停水|没水|水管|自来水|装水|水表": "供水 用水 报装 报修",
    "停电|没电|电表|装电|电线|跳闸": "供电 用电 报装 报修",
    "燃气|天然气|煤气|液化气": "燃气 报装",
    "修|维修|坏了修|报修": "报修 维修",
    # 计生 / 婚育
    "独生子女|独生|一个孩子|只有一个孩子|就一个娃": "独生子女",
    "准生证|生育证|准生": "生育登记 生育服务",
    "婚育|婚育证明|流动人口证明": "婚育证明 流动人口",
    # 时间 / 办理方式 — official words for the same asks
    "多久|几天|多长时间|啥时候|什么时候|多少天|要等多久|多快": "办理时限 时限",
    "在哪|哪里办|去哪|在哪儿|哪个窗口|什么地方": "地点 窗口",
    "网上|手机上|线上|app|小程序|微信上": "网上办理 线上 电子",
    "别人|亲戚|家属|帮我|代替|替我": "他人 代办 委托",
    "代办|代领|代替办": "代办 委托",
})


ENGLISH = _expand({
    # people and life events
    "child|children|kid|kids|son|daughter": "子女 儿童",
    "baby|newborn|born|birth": "出生 新生儿",
    "elderly|old|senior|seniors|aged|aging|ageing|older": "老年人 高龄",
    "parent|parents|father|mother": "父母",
    "wife|husband|spouse": "配偶",
    "death|died|dead|deceased|passed": "死亡 去世",
    "funeral|burial|cremation|bury": "殡葬 火化",
    "disabled|disability|disabilities|handicapped|wheelchair": "残疾 残疾人",
    "veteran|veterans|soldier|military|army|retired soldier": "退役军人 退役",
    "martyr": "烈士",
    "pregnancy|pregnant|maternity|childbirth": "生育",
    "only child": "独生子女",
    "family planning": "计划生育",
    "migrant|floating population": "流动人口",
    "marriage|married|marry|wedding": "结婚 婚姻",
    "divorce|divorced": "离婚",
    # money and welfare
    "allowance|allowances|subsidy|subsidies|grant|benefit|benefits|stipend": "补贴 津贴 补助",
    "welfare|relief|assistance|aid": "救助 帮扶",
    "poor|poverty|hardship|needy|low income|low-income": "困难 贫困 低收入",
    "minimum living|subsistence|minimum living allowance|minimum living security|dibao":
        "低保 最低生活保障",
    "emergency|temporary|urgent": "临时",
    "pension|retirement|annuity": "养老金 养老保险",
    "insurance": "保险",
    "medical insurance|health insurance|medical|health": "医疗保险 医保 医疗",
    "social security|social insurance": "社会保险 社保",
    "social security card": "社会保障卡",
    "reimburse|reimbursement|claim|refund": "报销",
    "hospital|doctor|treatment|clinic": "就医 医疗",
    "chronic|chronic disease|illness|disease": "慢特病 慢性病 疾病",
    "another city|other city|other province|out of town|elsewhere": "异地",
    "fee|fees|cost|costs|price|charge|pay|payment|contribution": "费用 缴费",
    "loan|loans|borrow|credit": "贷款",
    "wage|wages|salary|salaries|pay owed|unpaid": "工资 欠薪",
    "arrears|owed|owe|owes": "拖欠 欠薪",
    # documents and registration
    "household registration|household register|hukou|residence registration": "户口 户籍",
    "household|registered residence": "户口",
    "transfer|move|moving|relocate|migrate": "迁移 转移 转接",
    "cancel|cancellation|deregister|deregistration": "注销",
    "id card|identity card|id|identity": "身份证 居民身份证",
    "residence permit|residence card|residency": "居住证",
    "certificate|certification|proof|card": "证明 证",
    "lost|lose|replace|replacement|reissue|renew|renewal": "补办 补领 换领",
    "passport": "护照",
    "visa": "签证",
    "driving licence|driving license|driver license|drivers license|driver's license": "驾驶证",
    "business license|business licence|shop|store|self-employed|self employed|small business":
        "个体工商户 营业执照",
    "property|real estate|house deed|property certificate": "不动产 房产",
    "tax|taxes": "税务 纳税",
    "housing fund|provident fund": "公积金",
    # work and law
    "job|jobs|work|employment|employed|employer": "就业 工作",
    "unemployed|unemployment|jobless|laid off": "失业 就业失业",
    "training|skill|skills|course|vocational": "职业技能培训 培训",
    "startup|start a business|entrepreneur|entrepreneurship": "创业",
    "legal aid|lawyer|lawyers|lawsuit|court|sue": "法律援助 律师 诉讼",
    "legal|law|laws": "法律",
    "dispute|disputes|conflict|neighbor|neighbour|quarrel": "纠纷 调解",
    "mediation|mediate|mediator": "人民调解 调解",
    "complaint|complain": "投诉",
    "consult|consultation|advice|question|questions": "咨询",
    "policy|policies": "政策",
    # housing and land
    "house|housing|home|apartment|flat": "住房 房屋",
    "rent|rental|public housing|public rental": "公共租赁住房 公租房 租赁",
    "dilapidated|unsafe house|repair house|renovation|renovate": "危房 改造",
    "build|building|construct|construction": "建房",
    "homestead|rural land|housing land": "宅基地",
    "tree|trees|timber|logging|felling|cut down|wood": "林木 采伐",
    "farmland|farming|farm|farmer|crop|crops|agriculture|agricultural": "耕地 农业 种植",
    "machinery|machine|tractor|harvester": "农机 农业机械",
    "land": "土地",
    "lease|contract land|land transfer": "土地流转 流转",
    "technique|technology|technical": "技术",
    "water": "供水 用水",
    "electricity|power|electric": "供电 用电",
    "gas": "燃气",
    "repair|fix|broken|install|installation": "报修 维修 报装",
    # party
    "party member|communist party|party membership": "党员",
    "party": "党员 党组织",
    "join the party|party application": "入党申请 入党",
    "organization|organisation|relationship": "组织关系",
    # time and place
    "how long|how many days|time limit|processing time": "办理时限",
    "where|office|window|address": "地点 窗口",
    "online|internet|website|app": "网上办理",
    "elderly card|senior card": "老年人优待证",
    "preferential|priority|discount|concession|privilege": "优待 优惠",
    "boss|employer|company|contractor|factory": "用人单位 老板",
    "not paid|unpaid|paid": "拖欠 工资",
    "bill|bills|receipt|receipts|invoice": "票据 费用",
    "support|supported|look after|take care|care for|caring": "供养 照料 救助",
    "no children|childless|no family|no relatives|alone|lonely": "无子女 孤寡 特困",
    "fire|burned|burnt|flood|flooded|disaster|accident|earthquake": "火灾 灾害 意外",
    "help|helping": "救助 帮扶",
    "disability certificate|disability card": "残疾人证",
    "senior citizen|senior citizens|old age|old people|elderly people": "老年人",
    "nursing|care subsidy|caregiver": "护理 护理补贴",
    "severe|severely|serious|seriously": "重度",
    "unsafe|dangerous|collapse|collapsing|crack|cracked|cracks|leaking|leaks": "危房 安全",
    "old house|old home|mud house": "危房 老房",
    "left the army|discharged|demobilised|demobilized|retired from the army": "退役 退伍",
    "report|report in|check in": "报到",
    "sign up|enrol|enroll|enrolment|enrollment|join|joining|participate|insured": "参保 参加 加入",
    "rural|village|villager|countryside|farmer's": "农村 城乡居民",
    "another province|other provinces|another place|different city|out of province":
        "异地 外地",
    "treated|treatment|surgery|operation|hospitalised|hospitalized": "就医 住院",
    "file|filing|record|put on record": "备案",
    "diabetes|hypertension|high blood pressure|kidney|dialysis|cancer": "慢特病 慢性病 大病",
    "outpatient|clinic visit": "门诊",
    "receive|receiving|collect|draw|start receiving": "领取",
    "turned 60|turn 60|age 60|sixty|60 years old": "年满60周岁 领取",
    "license|licence|permit|licenses|licences|permits": "许可 执照 证",
    "rent out|lease out|let out|sublet": "流转 出租",
    "job openings|vacancies|vacancy|hiring|recruitment|recruit": "招聘 岗位 用工",
    "sim|sim card|phone card|mobile": "手机卡",
    "bank|banks|atm": "银行",
    "restaurant|food|eat|meal": "饭店 吃饭",
    "school|university|college|kindergarten": "学校 上学",
    "communist": "党员 入党",
    "weather|rain|temperature": "天气",
    "train|train ticket|ticket|flight|plane": "车票 火车票",
})

# English words that carry no topic; left out when reading an English question.
ENGLISH_STOPWORDS = frozenset(_words("""
a an the i me my mine we our us you your he she his her it its they them their this that these
those what which who whom whose how why when where is are was were be been being am do does did
done doing have has had having can could should would will shall may might must need needs
needed to of in on at by for with from about into over under up down out off as if or and but
not no so than too very just also any some all each every more most much many few there here
please thanks thank hi hello hey ok okay yes get got getting go going apply applying application
applications want wants wanted like know tell help find make made give given take taken bring
document documents paper papers material materials required require requires requirement
requirements procedure procedures process steps step register registration registered form forms
new one two three first way ways thing things someone somebody anyone person people i'm im don't
dont can't cannot what's whats s t day days week weeks month months year years today tomorrow
yesterday now ago last next since already still again always never sometimes often time times
here there
"""))

# Chinese function words and generic service words: they do not say which service is meant.
# Longest match wins, so multi-character entries protect the words inside them.
STOPWORDS = frozenset(_words("""
我 你 您 他 她 它 我们 你们 他们 她们 咱 咱们 俺 俺们 人家 大家 自己 本人 我家 我们家 家里
家里人 的 地 得 了 着 过 吗 呢 吧 啊 呀 哦 噢 嗯 哈 啦 嘛 么 哇 呗 咯 喔 诶 唉 哎 是 在 有 没
没有 不 也 都 就 还 又 再 才 很 太 挺 最 更 真 好 就是 还是 还有 还要 或者 或 和 跟 与 及 以及
这 那 这个 那个 这些 那些 这样 那样 这边 那边 这里 那里 哪 哪个 哪些 哪儿 哪里 什么 啥 咋 咋办
怎么 怎么办 怎样 怎么样 如何 为什么 为啥 多少 几 几个 是否 能否 能不能 可不可以 是不是 有没有
要不要 能 可以 可 会 要 想 想要 需要 需 得要 应该 必须 打算 准备 希望 麻烦 请 请问 问 问下
问一下 咨询一下 想问 想问下 一下 一个 一些 一点 一张 一份 个 些 点 下 上 里 中 内 外 去 来 到 给
让 被 把 对 向 从 为 为了 用 拿 带 办 办理 办个 办下 申请 申报 弄 搞 做 处理 手续 流程 材料 资料
证件 东西 需要带 要带 带什么 准备什么 什么材料 哪些材料 条件 要求 规定 政策上 情况 事情 事 问题
相关 有关 关于 方面 一般 具体 现在 目前 今天 明天 昨天 今年 去年 明年 最近 之前 以前 以后 之后
后来 已经 刚 刚刚 刚才 马上 一直 然后 所以 因为 但是 可是 不过 如果 要是 的话 听说 知道 不知道
告诉 看看 看 说 讲 觉得 认为 感觉 好像 应该是 可能 大概 谢谢 谢了 多谢 感谢 你好 您好 老师 同志
工作人员 领导 师傅 大姐 大哥 阿姨 叔叔 喂 在吗 在不在 哈喽 每个月 每月 每年 每天 月 年 天 号 次
回 多 少 些许 能办 可以办 好办 在哪办 去哪办 第一次 第一 一次 头一回 头一次 第二次 一直 一般
总是 经常 有时 其实 反正 到底 究竟 突然 终于
"""))

# Subjects outside a typical township center; they weigh against a match only when the
# loaded knowledge base never mentions them.
OFF_TOPIC = frozenset(_words("""
天气 下雨 气温 温度 刮风 下雪 台风 预报 火车 火车票 高铁 车票 机票 飞机 航班 订票 买票 抢票
12306 护照 签证 港澳 通行证 出入境 出国 驾照 驾驶证 驾考 考驾照 车牌 违章 罚单 年检 行驶证 结婚
结婚证 离婚 离婚证 领证 婚姻登记 结婚登记 离婚登记 领结婚证 彩礼 相亲 公积金 个税 退税 股票 基金
理财 彩票 信用卡 银行卡 网贷 快递 外卖 电影 电视剧 游戏 音乐 唱歌 笑话 段子 故事 新闻 星座 算命
运势 饭 吃饭 好吃 餐厅 菜谱 做饭 奶茶 咖啡 酒店 旅游 景点 门票 宾馆 手机 话费 流量 宽带 wifi
密码 电脑 充电 学校 上学 考试 高考 中考 成绩 作业 补习
"""))
