"""English → Chinese for questions asked in English (no item-specific rules).

Residents and their relatives abroad ask in plain English ("my dad is deaf", "the
hospital bill", "start receiving my pension"); knowledge bases are written in
official Chinese. `ENGLISH` maps everyday English words and phrases (up to four
words, base forms — `lemma` folds plurals and -ed/-ing) to the Chinese words a
service center's items use. A phrase may map to words of the off-topic lexicon
(passport → 护照), which then weigh against a match unless the knowledge base
offers that service.
"""

from __future__ import annotations

import re
from functools import lru_cache


def _words(text: str) -> list[str]:
    """Whitespace-separated words of a word-list literal."""
    return text.split()


def _expand(groups: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """'a|b|c' keys share one space-separated target list. Keys are spelled as questions
    are after cleaning: "driver's license" is looked up as driver s license."""
    table: dict[str, tuple[str, ...]] = {}
    for keys, targets in groups.items():
        for key in keys.split("|"):
            key = " ".join(re.sub(r"[^a-z0-9]+", " ", key.lower()).split())
            table[key] = tuple(dict.fromkeys((*table.get(key, ()), *targets.split())))
    return table


ENGLISH = _expand({
    # -- people and family --------------------------------------------------------------
    "child|children|kid|son|daughter|boy|girl|minor|grandson|granddaughter|grandchild|"
    "grandchildren|nephew|niece": "子女 儿童 未成年人",
    "baby|newborn|infant|born|birth|new baby|just born|had a baby": "出生 新生儿",
    "elderly|old|senior|aging|ageing|older|grandma|grandmother|grandpa|grandfather|"
    "grandparent|granny|old man|old woman|old lady|old people|old person|elderly people|"
    "senior citizen|old age|over 80|over eighty|in his eighties|in her eighties|very old|"
    "eighty|ninety|over 90|over ninety|hundred": "老年人 高龄 老人",
    "parent|father|mother|mom|mum|dad|mommy|daddy|in-law|mother-in-law|father-in-law": "父母",
    "wife|husband|spouse|partner": "配偶 夫妻",
    "orphan|orphaned|lost both parents|no parents|parents died|left-behind child|"
    "left behind child": "孤儿 事实无人抚养儿童 儿童",
    "brother|sister|sibling|relative|cousin|uncle|aunt": "亲属 家庭成员",
    "death|die|dead|deceased|pass away|passed away": "死亡 去世",
    "funeral|burial|cremation|cremate|bury|cemetery|ashes|funeral home|funeral parlor": "殡葬 火化 丧葬",
    "disabled|disability|handicapped|handicap|impaired|impairment": "残疾 残疾人",
    "wheelchair|hearing aid|crutch|prosthesis|prosthetic|artificial limb|walker|walking aid":
        "辅助器具 轮椅 助听器 假肢 残疾",
    "deaf|hearing|hard of hearing|cannot hear|can't hear|hearing loss": "听力残疾 聋 听不见 残疾",
    "blind|vision|visually impaired|cannot see|can't see|eyesight|partially sighted": "视力残疾 盲 残疾",
    "mute|speech|cannot speak|can't speak|dumb": "言语残疾 哑 残疾",
    "amputate|amputated|amputation|lost a leg|lost an arm|lost his leg|lost her leg|lost my leg|"
    "lost fingers|limb|leg|arm|finger": "肢体残疾 截肢 残疾",
    "mental illness|mentally ill|mental|psychiatric|schizophrenia": "精神残疾 精神病",
    "intellectual disability|learning disability|cerebral palsy|autism|autistic|down syndrome":
        "智力残疾 残疾 脑瘫",
    "paralysed|paralyzed|paralysis|bedridden|bed-bound|stroke|cannot walk|can't walk|"
    "cannot take care of himself|cannot look after himself|cannot care for himself|"
    "needs care|full-time care|care all the time": "瘫痪 卧床 重度残疾 护理 生活不能自理",
    "severe|severely|serious|seriously|grade one|grade two|level one|level two": "重度",
    "veteran|ex-soldier|soldier|military|army|navy|serviceman|servicemen|military service|"
    "served in the army|in the army": "退役军人 退役 军人",
    "left the army|discharged|demobilised|demobilized|retired from the army|came back from the army|"
    "finished his military service|finished military service|came home from the army|"
    "back from the army": "退役 退伍 退役军人",
    "martyr|martyrs|fallen soldier|killed in action": "烈士 烈属",
    "wounded|injured in the war|war injury|disabled veteran|disabled soldier|war veteran|"
    "fought in the war|combat": "伤残 残疾军人 参战 抚恤",
    "pregnancy|pregnant|maternity|childbirth|expecting|prenatal|second child|third child|"
    "second baby|third baby|another baby": "生育 怀孕 生育登记",
    "only child|one child|only one child|single child": "独生子女",
    "two daughters|only daughters|daughters only": "双女户 女儿 计划生育",
    "family planning": "计划生育",
    "lost our only child|lost their only child|only child died": "失独 独生子女死亡 计划生育",
    "migrant|floating population|migrant worker|work away from home|work elsewhere": "流动人口 外出务工",
    "marriage|married|marry|wedding|get married|marriage certificate": "结婚 婚姻",
    "divorce|divorced|get divorced": "离婚",
    # -- money, welfare ------------------------------------------------------------------
    "allowance|subsidy|subsidies|grant|benefit|stipend|bonus|reward|money|cash|payment|"
    "compensation|financial help|financial support": "补贴 津贴 补助 奖励",
    "welfare|relief|assistance|aid|support|financial help|rescue|social assistance|social welfare":
        "救助 帮扶 补助",
    "poor|poverty|hardship|needy|low income|low-income|struggling|cannot afford|can't afford|"
    "no money|no income|little income|hard up|in difficulty|difficult|difficulties|broke|"
    "almost no income|barely survive|make ends meet": "困难 贫困 低收入 生活困难",
    "minimum living|subsistence|minimum living allowance|minimum living security|dibao|"
    "minimum income|basic living allowance|living allowance|monthly support|monthly government support":
        "低保 最低生活保障",
    "emergency|temporary|sudden|one-time|one time|emergency relief|emergency help":
        "临时 急难 临时救助",
    "extreme poverty|destitute|no one to support|nobody to support|no one to take care|"
    "no family|no relatives|childless|no children|lonely|five guarantees|no one to look after him|"
    "no one to look after her|nobody to look after": "特困 供养 孤寡 无子女",
    "alone|lives alone|living alone|live alone|by herself|by himself|on her own|on his own":
        "独居 空巢老人 孤寡",
    "pension|retirement|annuity|old-age pension|old age pension": "养老金 养老保险",
    "insurance|insured": "保险",
    "medical insurance|health insurance|medical|health|healthcare|health care|"
    "rural medical insurance|cooperative medical|new cooperative medical": "医疗保险 医保 医疗",
    "pension insurance|rural pension|rural pension insurance|old-age insurance|endowment insurance":
        "养老保险 养老金",
    "social security|social insurance": "社会保险 社保",
    "social security card|insurance card|medical card|medical insurance card": "社会保障卡 社保卡",
    "reimburse|reimbursement|reimbursed|claim|pay back|paid back|money back|get back|"
    "cover|covered|claim back|compensate": "报销 结算",
    "directly settle|direct settlement|settle directly|settle": "直接结算 结算",
    "hospital|doctor|treatment|medical treatment|see a doctor|treated|hospitalised|hospitalized|"
    "inpatient|admitted|surgery|operation|ward": "住院 就医 医疗",
    "hospital bill|medical bill|medical bills|hospital bills|hospital fee|hospital cost|"
    "medical expense|medical expenses|medical cost|medical costs|treatment cost|"
    "out of pocket|out-of-pocket|self-paid": "住院费用 医疗费用 医药费 自付费用",
    "medicine|medication|drug|pill|prescription|pharmacy": "药费 药品 门诊",
    "outpatient|clinic|clinic visit|outpatient visit": "门诊",
    "chronic|chronic disease|chronic illness|long-term illness|long term illness|"
    "long-term medication": "慢特病 慢性病 门诊慢特病",
    "diabetes|diabetic|hypertension|high blood pressure|heart disease|kidney|kidney failure|"
    "dialysis|uremia": "慢特病 慢性病 高血压 糖尿病 透析 尿毒症",
    "illness|disease|sick|ill|sickness": "疾病 患病 大病",
    "serious illness|critical illness|major illness|cancer|leukemia|leukaemia|tumour|tumor|"
    "chemotherapy|chemo|serious disease": "大病 重特大疾病 医疗救助 恶性肿瘤 白血病",
    "another city|other city|other province|another province|out of town|elsewhere|"
    "another place|different city|out of province|away from home|outside the province|"
    "in another province|in another city|other provinces|big city|provincial capital|"
    "shanghai|beijing|guangzhou|shenzhen": "异地 外地 跨省",
    "fee|cost|price|charge|pay|contribution|premium|contribute": "费用 缴费 标准",
    "how much": "标准",
    "loan|borrow|credit|low interest|low-interest|interest-free|interest free|microloan|"
    "small loan|guaranteed loan|government-backed loan": "贷款 创业担保贷款 贴息",
    "wage|salary|pay owed|unpaid|unpaid wages|wages owed|not paid|hasn't paid|has not paid|"
    "didn't pay|did not pay|won't pay|refuses to pay|never paid|owes us|owe us|owes me|"
    "back pay|arrears": "工资 欠薪 拖欠",
    "contractor|foreman|labour contractor|labor contractor|subcontractor|boss|employer|"
    "company|factory owner": "用人单位 老板 包工头",
    # -- documents and registration ------------------------------------------------------
    "household registration|household register|hukou|residence registration|"
    "registered residence|household": "户口 户籍",
    "household register booklet|household book|hukou book|hukou booklet": "户口簿 户口本",
    "transfer|move|relocate|migrate|moving": "迁移 转移 转接",
    "move my hukou|transfer my hukou|move hukou|hukou transfer|move our hukou|move her hukou|"
    "move his hukou|move my household registration|transfer my household registration|"
    "move my registration": "户口迁移 迁移 迁入",
    "married into|marry into|married here|moved here after marriage|married a man from|"
    "married a local": "投靠 迁入 婚嫁",
    "move in|move here|settle|settle here|settle down": "迁入 落户",
    "move out|move away": "迁出",
    "cancel|cancellation|deregister|deregistration|terminate": "注销",
    "id card|identity card|id|identity|identification|identity document": "身份证 居民身份证",
    "residence permit|residence card|residency|temporary residence|living permit": "居住证",
    "certificate|certification|proof|card|document of proof|letter": "证明 证",
    "lost|lose|missing|stolen|misplace|misplaced": "遗失 丢失 补办 挂失",
    "replace|replacement|reissue|renew|renewal|new one|expire|expired|expiring|expiry|"
    "out of date|broken|damaged|not working|stopped working|chip": "补办 补领 换领 到期 损坏",
    "first time|for the first time": "首次",
    "years old|year old|age|aged over": "周岁 年龄",
    "paid|spent|spend|paid for": "费用",
    "paid myself|paid it myself|paid everything myself|paid out of my own pocket|paid up front|"
    "paid upfront|paid in advance|advanced the money": "垫付 自费 报销",
    "property|real estate|house deed|property certificate": "不动产 房产",
    "tax|taxes": "税务 纳税",
    "housing fund|provident fund": "公积金",
    "passport": "护照",
    "visa|work visa|residence stamp": "签证",
    "driving licence|driving license|driver license|drivers license|driver's license|"
    "driving test|driving school|learner's permit": "驾驶证 驾照",
    "car|vehicle|motorbike|motorcycle|e-bike|electric bike|number plate|license plate|"
    "traffic ticket|traffic fine|speeding": "车辆 车牌 违章",
    # -- work, business, law --------------------------------------------------------------
    "job|work|employment|employed|working|worker|labor|labour": "就业 工作 务工",
    "unemployed|unemployment|jobless|laid off|lost my job|lost his job|lost her job|fired|"
    "dismissed|out of work|redundant|factory closed|no job": "失业 就业失业 失业登记",
    "job opening|job openings|vacancies|vacancy|hiring|recruitment|recruit|looking for work|"
    "find a job|find work|job fair|job seeker|job information": "招聘 岗位 用工 求职 招工",
    "training|skill|course|vocational|learn a skill|learn a trade|apprentice|welding|welder|"
    "electrician|excavator|qualification": "职业技能培训 培训 技能",
    "startup|start a business|start my own business|entrepreneur|entrepreneurship|"
    "starting a business|set up a business|return home to start": "创业 创业担保贷款",
    "business license|business licence|shop|store|self-employed|self employed|small business|"
    "stall|street stall|grocery|grocery store|noodle shop|restaurant license|open a shop|"
    "open a store|run a shop|sole proprietor|individual business": "个体工商户 营业执照 开店",
    "lawyer|lawyers|attorney|legal aid|free lawyer|free legal aid|free legal help|legal help|"
    "legal representation": "法律援助 律师",
    "lawsuit|court|sue|suing|court case|go to court|take to court|litigation|judge":
        "诉讼 起诉 打官司 法院",
    "legal|law|legal advice|legal question|legal consultation|legally|is it legal|legal problem|"
    "rights": "法律 法律咨询",
    "inheritance|inherit|a will|his will|her will|estate|left no will|no will": "继承 遗产继承 遗嘱",
    "debt|lend|lent|borrowed|iou|pay me back|owe money": "借钱不还 借款 债务",
    "contract|agreement": "合同",
    "dispute|disputes|conflict|quarrel|argue|argument|fight|fighting|feud|disagreement|"
    "boundary": "纠纷 矛盾 调解",
    "neighbor|neighbour|neighbors|neighbours|next door": "邻里 邻居 纠纷",
    "mediation|mediate|mediator|settle the dispute|settle it|reconcile|reconciliation|"
    "make peace|sort it out": "人民调解 调解",
    "complaint|complain|file a complaint": "投诉 举报",
    "report": "报到 举报",
    "consult|consultation|advice|ask about|ask a question|question|information|inquire|enquire":
        "咨询",
    "policy|policies|new policy|government policy|government benefits|entitled|entitlement|"
    "eligible|qualify": "政策 政策咨询 惠民政策",
    # -- housing, land, farming ----------------------------------------------------------
    "house|housing|home|apartment|flat|dwelling": "住房 房屋",
    "rent|rental|public housing|public rental|public rental housing|low-rent|cheap housing|"
    "government housing|affordable housing|social housing|housing assistance":
        "公共租赁住房 公租房 租赁 住房保障",
    "dilapidated|unsafe house|unsafe|dangerous|collapse|collapsing|about to collapse|fall down|"
    "falling down|crumbling|crack|cracked|cracks|leaking|leak|leaky roof|roof leaks|mud house|"
    "mud-brick|adobe|earthen house|old house|old home|run-down|rundown": "危房 危房改造 住房安全 土坯房",
    "repair house|renovation|renovate|rebuild|reconstruct|fix up|repair": "改造 修缮 翻建 维修",
    "build|building|construct|construction|new house|build a house|build a new house": "建房 农村建房",
    "homestead|rural land|housing land|house plot|plot of land|residential land": "宅基地",
    "tree|timber|logging|felling|cut down|cut trees|cut down trees|chop|wood|lumber|fir|pine":
        "林木 采伐 砍伐",
    "forest|hill|mountain|woodland": "林地 山林",
    "farmland|field|farming|farm|crop|agriculture|agricultural|grain|plant|planting|"
    "grow|growing|acre|mu": "耕地 农业 种植",
    "rice|wheat|corn|maize|vegetable|fruit|fruit tree|orchard|tea|strawberry|pepper|chili|"
    "citrus|orange|watermelon|greenhouse|seedling": "种植 农业技术",
    "pest|pests|insect|insects|bug|bugs|blight|mildew|rot|rotting|spot|spots|yellow leaves|"
    "leaves turning yellow|wilting|plant disease|crop disease": "病虫害 农业技术",
    "pig|pigs|chicken|chickens|duck|ducks|cattle|cow|cows|sheep|goat|livestock|poultry|"
    "fish farming|breeding|raising pigs|raising chickens": "养殖 畜牧 养猪",
    "vet|veterinarian|veterinary|animal doctor": "兽医 养殖",
    "fertiliser|fertilizer|pesticide|spray": "施肥 打药 农业技术",
    "technician|agricultural technician|expert|specialist|technical advice|technique|technology|"
    "technical": "技术 农技 农业技术",
    "machinery|machine|tractor|harvester|combine|combine harvester|rice transplanter|"
    "transplanter|drone|farm machine|farm machinery": "农机 农业机械 农机购置",
    "land": "土地",
    "lease|rent out|lease out|let out|sublet|contract land|land transfer|transfer land|"
    "cooperative|co-op|big grower|large grower|farming company": "土地流转 流转 出租",
    "market price|market prices|sell|selling|buyer|buyers|price of|sales": "市场 行情 销路",
    "water|tap water|water pipe|pipe|burst pipe|no water|water cut|water supply": "供水 用水 停水 水管",
    "electricity|power|electric|power cut|power outage|blackout|no power|no electricity|"
    "power is out|lights out|meter|electric meter": "供电 用电 停电 电表",
    "gas|gas leak|natural gas": "燃气",
    "install|installation|connect|connection|hook up": "报装",
    "fix|broke|out of order": "报修 维修",
    # -- party ---------------------------------------------------------------------------
    "party member|communist party|party membership|member of the party|cpc|ccp|party": "党员 党组织",
    "join the party|become a party member|party application|apply to join the party|"
    "join the communist party|application to join": "入党申请 入党",
    "party organization|party organisation|organization|organisation|party relationship|"
    "membership transfer": "组织关系 党组织",
    "communist": "党员 入党",
    # -- time, place, manner ------------------------------------------------------------
    "how long|how many days|time limit|processing time|how soon|how quickly": "办理时限",
    "where|office|window|address|which office|which department|who do i see|who should i see":
        "地点 窗口",
    "online|internet|website|app|on my phone|mobile phone app": "网上办理",
    "elderly card|senior card|senior citizen card|old age card|senior citizen's card|"
    "card for the elderly|card for old people|card for seniors": "老年人优待证 老年证 老年卡",
    "bus card|free bus|free bus ride|free travel|free entry|free park entry|free buses|"
    "park|parks|scenic spot|scenic spots|tourist site|museum": "免费乘车 景区免票 公园 优待",
    "disability certificate|disability card|disabled card|disability id|disability certified|"
    "certify disability|certified as disabled|disability assessment|disability rating|"
    "assess disability|disability grade|disability level": "残疾人证 残疾评定 评残 残疾等级",
    "farming subsidy|farm subsidy|grain subsidy|agricultural subsidy|farmland subsidy|"
    "subsidy for farmland|subsidy for my farmland|subsidy for growing grain":
        "耕地地力保护补贴 种粮补贴 惠农补贴",
    "check|check whether|find out|look up|query|track|see if": "查询",
    "childbearing|fertility|birth control|contraception|marriage and childbearing|"
    "marital and childbearing|childbearing status|marriage and birth": "婚育证明 婚育 生育 流动人口",
    "urgent|urgently|asap|as soon as possible|quickly|fast|rush": "加急 即办",
    "preferential|priority|discount|concession|privilege|preferential treatment": "优待 优惠",
    "look after|take care|care for|caring|carer|caregiver|nursing|nursing allowance|care subsidy|"
    "care allowance|attendance allowance": "护理 护理补贴 照料",
    "home care|home-care|home visit|someone to help at home|help at home|meals|meal delivery|"
    "elderly canteen|day care": "居家养老 上门服务 助餐",
    "nursing home|old people's home|care home|welfare home": "敬老院 养老院 集中供养",
    "fire|burned|burnt|burned down|burnt down|flood|flooded|disaster|accident|earthquake|"
    "storm|landslide|car accident|traffic accident": "火灾 灾害 意外 事故",
    "report in|check in|register after|where to report|report to": "报到",
    "sign up|enrol|enroll|enrolment|enrollment|join|participate|take part|buy insurance|"
    "start paying|pay into|pay in": "参保 参加 缴费",
    "receive|collect|draw|get my pension|start receiving|start getting|begin receiving|"
    "begin to draw|start to draw|start drawing|be paid|paid out|payout|claim my pension":
        "领取 待遇 申领 发放",
    "turned 60|turn 60|age 60|sixty|60 years old|turned sixty|over 60|over sixty|reach 60|"
    "reached 60": "年满60周岁 领取 60周岁",
    "license|licence|permit|approval|approve|permission": "许可 审批 证",
    "rural|village|villager|countryside|farmer's|villagers|township": "农村 城乡居民",
    "file|filing|record|put on record|register in advance|registration in advance": "备案",
    "bill|receipt|invoice|fapiao": "票据 发票 费用",
    # -- more everyday phrasings ----------------------------------------------------------
    "living on almost nothing|below the poverty line|poverty line|basic income support|"
    "income support|basic income|poor household|poor households|poor family|poor families|"
    "low income household|nothing to live on": "低保 最低生活保障 困难",
    "nobody left|has nobody|no one left|nobody to care for|provide for him|provide for her|"
    "state provide|provided for|no one to rely on|nobody to rely on": "特困 供养 孤寡",
    "short-term relief|short term relief|short-term help|short term help|financial aid|"
    "no savings|lost our income|lost his income|suddenly": "临时救助 临时 救助 困难",
    "car crash|crash|hit by a car|run over": "交通事故 意外 车祸",
    "wrecked|destroyed|damaged|washed away|blown away": "灾害 损毁 受灾",
    "help with medical costs|after insurance|after the insurance|insurance payout|"
    "after reimbursement|left to pay|still have to pay": "医疗救助 自付 报销后",
    "one child policy|one-child policy|followed the policy|family planning policy":
        "独生子女 计划生育 奖励扶助",
    "marital status|marital|marriage status|married or not|marriage and children":
        "婚育证明 婚姻 婚育",
    "back home|home village|native place|where i was born": "迁回 老家 原籍",
    "hometown|home town": "老家",
    "use my medical insurance there|use my insurance there|use their insurance there|"
    "use their medical insurance there|use my hometown medical insurance|hometown medical insurance|"
    "insurance from home|insurance back home": "异地就医 备案 异地",
    "ran away|ran off|disappeared|vanished|absconded|without paying|run away with|took off":
        "欠薪 拖欠 包工头",
    "refund|refunded|insurance refund|refunded by insurance": "报销 结算",
    "pension payment|pension payments|pension money|my pension|get my pension|first pension|"
    "monthly pension": "养老金 领取 待遇 发放",
    "stopped coming|stopped paying|not arrived|hasn't arrived|has not arrived|not received|"
    "haven't received|have not received|never received|still not paid": "停发 没到账 领取",
    "turning 60|turning sixty|turn sixty|reaching 60|reaching sixty": "年满60周岁 领取 60周岁",
    "family dispute|family quarrel|family conflict|between brothers|siblings fighting":
        "家庭纠纷 婚姻家庭 调解",
    "member of the communist party|become a member|apply for membership|membership application":
        "入党 入党申请 党员",
    "struggling financially|struggling|living support|monthly living support|hard times":
        "困难 生活困难 低保",
    "can't work|cannot work|unable to work|can no longer work|too old to work|can't work anymore":
        "丧失劳动能力 无劳动能力 困难",
    "single|no kids|unmarried|never married|no wife|no husband|can't look after himself|"
    "cannot look after himself|can't look after herself|cannot look after herself":
        "孤寡 无子女 特困 生活不能自理",
    "register|registered|registration|get registered|register the baby|register our baby":
        "登记",
    "rented|renting|rented a flat|rented a room|rent a room|rented a house|tenant": "租房 居住",
    "rent our fields|rent my fields|rent our land|rent my land|rent the land|lease our land|"
    "lease my land|rent out our fields|rent out my land": "土地流转 出租 流转",
    "join the cpc|join cpc|join the ccp|join ccp|join the communist party of china": "入党 入党申请",
    "latest subsidies|new subsidies|what subsidies|which subsidies|learn about|latest policies|"
    "subsidies available|benefits available|what benefits": "政策 政策咨询 惠民政策",
    # -- formal names of common township services ---------------------------------------
    "livelihood guarantee|minimum livelihood|subsistence guarantee|minimum subsistence|"
    "minimum living guarantee|subsistence allowance|basic living security": "低保 最低生活保障",
    "medical assistance|medical aid|medical relief|medical help|medical financial assistance":
        "医疗救助",
    "pension benefits|basic pension benefits|old-age benefits|retirement benefits|pension benefit|"
    "pension entitlement|pension treatment": "养老金 待遇领取 领取 待遇",
    "individual industrial and commercial household|industrial and commercial|individual business|"
    "sole trader|sole proprietorship|individual household business": "个体工商户 营业执照",
    "application for party membership|party membership application|apply for party membership|"
    "apply to the party": "入党申请 入党",
    "entitled groups|entitled group|special care recipients|preferential care|veterans pension|"
    "veterans' pension|survivor pension|martyr pension|pension for veterans|living allowance for veterans":
        "优抚 抚恤 优抚对象 定期生活补助",
    "cultivated land|fertility protection|land fertility|arable land|soil fertility":
        "耕地 地力 耕地地力保护补贴",
    "land management rights|management rights|land use rights|land contract rights|"
    "rural land transfer|land contracting": "土地流转 经营权 流转",
    "social card|security card|social insurance card": "社会保障卡 社保卡",
    "from other province|from another province|outsider|not local|non-local|non local|"
    "not from here|foreigner": "非本地户籍 流动人口 外地",
    "live here|living here|stay here|staying here|live in town|reside": "居住 居住证",
    "buy|purchase|bought|buying": "购买 购置",
    "farmer|farmers|peasant|peasants": "农民 农村 城乡居民",
    "join party|join communist party|join the cp|join cp": "入党 入党申请",
    "no child|no kid|no son|no daughter|without children": "无子女 孤寡 特困",
    "house fire|fire at home|home burned|house burned|house burnt": "火灾 临时救助 受灾",
    "bus free|bus card free|free bus card|bus for free|ride free|ride for free": "免费乘车 老年人优待证 优待",
    # -- everyday topics a township center does not serve (see offtopic.py) --------------
    "bank|bank card|bank account|atm|debit card|online banking|mobile banking|internet banking":
        "银行卡 银行",
    "credit card|credit cards": "信用卡",
    "pin|password|pin code": "密码",
    "mortgage|interest rate|home loan|house loan|car loan": "房贷 利率",
    "stock|stocks|shares|lottery|bitcoin": "股票 彩票",
    "weather|rain|raining|temperature|forecast|snow|sunny": "天气",
    "train|train ticket|ticket|flight|plane|bus ticket|high-speed rail": "车票 火车票 机票",
    "restaurant|food|eat|meal|cook|recipe|delicious": "饭店 吃饭",
    "school|university|college|kindergarten|exam|enrol in school|homework|tuition": "学校 上学 考试",
    "vaccine|vaccination|vaccinate|jab|shot|injection": "疫苗 打疫苗",
    "sim|sim card|phone card|phone bill|mobile phone|phone|smartphone|wifi|broadband|signal":
        "手机 话费 宽带",
    "parcel|package|delivery|courier|taobao|online shopping|online shop|online store|shopping":
        "快递 网购 商家",
    "movie|film|music|song|sing|game|joke|story|funny": "电影 笑话 唱歌",
    "name my baby|baby name|name for my baby|choose a name|name for my son|name for my daughter":
        "起名 取名",
    "blood pressure reading|is it serious|what medicine should|which medicine|symptom|symptoms|"
    "fever|cough|headache|toothache|cold|flu|dizzy|dizziness|nausea|vomit|stomach ache|"
    "stomachache|diarrhea|diarrhoea|insomnia|allergy|rash|blood sugar|cholesterol|what should i eat|"
    "what to eat|diet|lose weight|x-ray|ct scan|check-up|checkup|physical exam|appointment with":
        "看病 症状 吃什么药 体检",
    "wedding|get married|marriage registration|marriage certificate|marry my|engagement|"
    "divorce certificate|divorce papers": "结婚登记 结婚证 离婚",
    "traffic|traffic jam|road|route|directions|how far|distance|map|navigation|bus station|"
    "bus timetable|taxi|uber|didi": "路线 导航 打车",
    "online order|seller|customer service|warranty|fake|return the goods|refund my money":
        "退货 网购 商家",
    "wechat|alipay|qq|tiktok|douyin|online account|login|log in|sign in|verification code|app store|"
    "download": "微信 支付宝 账号",
    "teacher|class|classes|grade|exam results|test score|scores|homework|tutor|tuition fee|"
    "primary school|middle school|high school|kindergarten place|school place": "学校 上学 考试",
    "hotel|travel|trip|tour|holiday|vacation|sightseeing": "旅游 酒店",
    "song|poem|write me|write a|tell me a|chat|bored|lonely tonight|girlfriend|boyfriend":
        "唱歌 写诗 聊天",
    "police|call the police|theft|stolen bike|thief|robbed|scam|scammed|fraud": "报警 诈骗",
    "pension account|personal account|individual account|account balance": "个人账户 养老保险",
    "insurance company|car insurance|commercial insurance|life insurance": "保险公司 车险 商业保险",
})

# Family relations: who the question is about, rarely which service.
ENGLISH_KIN = frozenset(_words("""
parent father mother mom mum dad mommy daddy in-law mother-in-law father-in-law wife husband spouse
partner brother sister sibling relative cousin uncle aunt nephew niece grandson granddaughter
"""))

# English words that carry no topic; left out when reading an English question.
ENGLISH_STOPWORDS = frozenset(_words("""
a an the i me my mine we our us you your he she his her it its they them their this that these
those what which who whom whose how why when where is are was were be been being am do does did
done doing have has had having can could should would will shall may might must need needs
needed to of in on at by for with from about into over under up down out off as if or and but
not no so than too very just also any some all each every more most much many few there here
please thanks thank hi hello hey ok okay yes get got getting go going apply applying application
applications want wants wanted like know tell find make made give given take taken bring
document documents paper papers material materials required require requires requirement
requirements procedure procedures process steps step form forms
new one two three first way ways thing things someone somebody anyone person people i'm im don't
dont can't cannot what's whats s t day days week weeks month months year years today tomorrow
yesterday now ago last next since already still again always never sometimes often time times
here there is isn't aren't doesn't didn't won't wouldn't hasn't haven't able let lets still
myself himself herself ourselves themselves sir madam dear good morning afternoon evening
really actually just maybe perhaps around nearly almost quite rather then because while though
although until after before during through per via should've i've i'd i'll we're we've they're
he's she's it's that's there's got gotten go went gone come came coming back home
don didn doesn isn aren wasn weren won wouldn hasn haven hadn couldn shouldn ll ve re d m
"""))

# Words that make an English clause a request rather than narrative.
ENGLISH_QUESTION_WORDS = frozenset(_words("""
how where what which who whom when can could should would do does is are will may need want
please help apply get tell
"""))

_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"),
             ("es", ""), ("s", ""), ("d", ""), ("'s", ""))


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    return frozenset(w for key in ENGLISH for w in key.split())


@lru_cache(maxsize=8192)
def lemma(word: str) -> str:
    """The form of `word` the English table knows: children stays, 'reimbursed' → reimburse."""
    vocabulary = _vocabulary()
    if word in ENGLISH or word in ENGLISH_STOPWORDS:
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            base = word[: -len(suffix)] + replacement
            if base in vocabulary:
                return base
    return word
