"""Sentence templates for the demo's articles, and free-text survey comments, in kk/ru/en.

Article templates name the NGO through a case slot — ru: {nom} {gen} {dat} {acc} {ins} {prep};
kk: {nom} {gen} {dat} {acc} {loc} {abl} {ins}; en: {nom} — and the region through {place}, a
locative phrase ("в Карагандинской области", "Қостанайда", "in Kzyl-Orda").
"""
from __future__ import annotations

TONES = ("positive", "neutral", "negative")

SENTENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {
        "positive": (
            "Благодаря {dat} {place} адресную помощь получили сотни семей.",
            "{nom} открывает {place} бесплатный консультационный центр для жителей.",
            "Жители высоко оценили работу {gen}: по их словам, помощь приходит быстро и без лишней бюрократии.",
            "Эксперты отмечают, что отчёты {gen} стали подробнее и понятнее.",
            "Волонтёры {gen} помогли пожилым жителям {place} подготовиться к зиме.",
            "Проект, реализованный {ins} по государственному социальному заказу, признан одним из лучших в регионе.",
            "На итоговом форуме {acc} наградили за прозрачную отчётность."),
        "negative": (
            "Проверка выявила нарушения в отчётности {gen} {place}.",
            "Жители жалуются, что обещанная {ins} помощь так и не поступила.",
            "Аудиторы не смогли подтвердить расходы {gen} на сумму {amount} млн тенге.",
            "Участники программы раскритиковали {acc} за сорванные сроки.",
            "Сотрудничество с {ins} приостановлено до завершения проверки.",
            "{nom} пока не комментирует претензии к качеству услуг.",
            "Депутаты маслихата потребовали опубликовать договоры, заключённые с {ins}."),
        "neutral": (
            "{nom} объявляет приём заявок на участие в программе на {year} год.",
            "Представители {gen} приняли участие в заседании общественного совета {place}.",
            "В отчёте {gen} за {year} год перечислены мероприятия: всего {count}.",
            "Договор с {ins} заключён по итогам конкурса на государственный социальный заказ.",
            "В {prep} рассказали о планах на следующий год.",
            "Сотрудники {gen} провели {place} серию встреч с жителями."),
        "filler": (
            "По данным местного акимата, {place} зарегистрированы сотни некоммерческих организаций.",
            "Государственный социальный заказ остаётся основным источником финансирования многих НКО.",
            "Эксперты напоминают, что отчёты о расходовании средств должны публиковаться ежегодно.",
            "Обсуждение продолжится на следующем заседании общественного совета.",
            "В управлении внутренней политики сообщили, что конкурс на гранты пройдёт в течение года."),
    },
    "kk": {
        "positive": (
            "{gen} арқасында {place} {count} отбасы атаулы көмек алды.",
            "{nom} {place} тұрғындарға арналған тегін кеңес беру орталығын ашты.",
            "Тұрғындар {gen} жұмысын жоғары бағалады: олардың айтуынша, көмек тез әрі әуре-сарсаңсыз келеді.",
            "Сарапшылар {gen} есептері толық әрі түсінікті бола бастағанын атап өтті.",
            "{gen} еріктілері {place} {count} қарт адамға қысқа дайындалуға көмектесті.",
            "Мемлекеттік әлеуметтік тапсырыс бойынша {nom} іске асырған жоба өңірдегі үздік жобалардың бірі "
            "деп танылды.",
            "Қорытынды форумда {nom} ашық есептілігі үшін марапатталды."),
        "negative": (
            "Тексеру {place} {gen} есептілігінде бұзушылықтар анықтады.",
            "Тұрғындар {nom} уәде еткен көмек әлі күнге дейін келмегенін айтып шағымдануда.",
            "Аудиторлар {gen} {amount} млн теңгелік шығыстарын растай алмады.",
            "Бағдарламаға қатысушылар мерзімдердің бұзылғаны үшін {acc} сынға алды.",
            "Тексеру аяқталғанша {ins} ынтымақтастық тоқтатылды.",
            "{nom} қызмет сапасына қатысты сындарға әзірге пікір білдірмеді.",
            "Мәслихат депутаттары {ins} жасалған келісімшарттарды жариялауды талап етті."),
        "neutral": (
            "{nom} {year} жылға арналған бағдарламаға өтінім қабылдай бастады.",
            "{gen} өкілдері {place} қоғамдық кеңес отырысына қатысты.",
            "{gen} {year} жылғы есебінде {count} іс-шара көрсетілген.",
            "Мемлекеттік әлеуметтік тапсырыс конкурсының қорытындысы бойынша {ins} келісімшарт жасалды.",
            "{loc} келесі жылға арналған жоспарлар туралы айтып берді.",
            "{gen} қызметкерлері {place} тұрғындармен бірқатар кездесу өткізді."),
        "filler": (
            "Жергілікті әкімдіктің дерегінше, {place} {count} үкіметтік емес ұйым тіркелген.",
            "Мемлекеттік әлеуметтік тапсырыс көптеген ҮЕҰ үшін негізгі қаржы көзі болып қала береді.",
            "Сарапшылар қаражаттың жұмсалуы туралы есептер жыл сайын жариялануы тиіс екенін еске салады.",
            "Талқылау қоғамдық кеңестің келесі отырысында жалғасады."),
    },
    "en": {
        "positive": (
            "Thanks to {nom}, more than {count} families {place} have received targeted support.",
            "{nom} has opened a free advice centre for residents {place}.",
            "Residents praised the work of {nom}, saying help arrives quickly and without red tape.",
            "Experts note that the reports of {nom} have become more detailed and easier to read.",
            "Volunteers from {nom} helped {count} older residents {place} prepare for winter.",
            "A project run by {nom} under a state social order was named one of the best in the region."),
        "negative": (
            "An inspection found irregularities in the accounts of {nom} {place}.",
            "Residents complain that the help promised by {nom} never arrived.",
            "Auditors could not confirm {amount} million tenge of spending by {nom}.",
            "Programme participants criticised {nom} for missed deadlines.",
            "Cooperation with {nom} has been suspended until the audit is complete.",
            "{nom} has not yet commented on complaints about the quality of its services."),
        "neutral": (
            "{nom} is accepting applications for its {year} programme.",
            "Representatives of {nom} attended a meeting of the public council {place}.",
            "The {year} report of {nom} lists {count} events.",
            "A contract with {nom} was signed after a state social order tender.",
            "Staff of {nom} held a series of meetings with residents {place}."),
        "filler": (
            "According to the local akimat, more than {count} non-profit organisations are registered {place}.",
            "State social orders remain the main source of funding for many NGOs.",
            "Experts recall that reports on the use of funds must be published every year.",
            "The discussion will continue at the next meeting of the public council."),
    },
}

TITLES: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {"positive": ("{nom}: семьи получили адресную помощь", "Жители высоко оценили работу {gen}",
                        "Новый центр поддержки открылся {place}"),
           "neutral": ("Итоги года: отчёт {gen}", "НКО {place}: кто получил госзаказ", "{nom} объявляет приём заявок"),
           "negative": ("Вопросы к отчётности {gen}", "Жалобы на {acc} {place}", "Проверка {gen}: выявлены нарушения")},
    "kk": {"positive": ("{nom}: {count} отбасы көмек алды", "Тұрғындар {gen} жұмысын жоғары бағалады",
                        "{place} жаңа қолдау орталығы ашылды"),
           "neutral": ("{gen} жылдық есебі", "{nom} өтінім қабылдауды бастады"),
           "negative": ("{gen} есептілігіне қатысты сұрақтар", "Тексеру: {gen} есептілігінде бұзушылықтар")},
    "en": {"positive": ("{nom} helps {count} families {place}", "Residents praise the work of {nom}"),
           "neutral": ("{nom} opens applications for {year}", "NGOs {place}: who won state social orders"),
           "negative": ("Questions over the accounts of {nom}", "Complaints about {nom} {place}")},
}

SYNDICATION_NOTES = {"ru": "Материал подготовлен по данным издания «{outlet}».",
                     "kk": "Материал «{outlet}» басылымының дерегі бойынша дайындалды.",
                     "en": "This story first appeared in {outlet}."}

#: Free-text survey comments by language and mood.
COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {"positive": ("Спасибо волонтёрам, они очень помогли моей маме.",
                        "Фонд помог нашей семье, когда это было очень нужно.",
                        "Хорошо, что появились бесплатные юридические консультации."),
           "neutral": ("Хотелось бы больше информации о том, чем занимаются НКО.",
                       "Не знаю, как связаться с такими организациями.",
                       "Было бы удобно, если бы отчёты публиковали на казахском и русском."),
           "negative": ("Непонятно, куда идут деньги по госзаказу.", "В нашем селе никто не видел этих организаций.",
                        "Много мероприятий для отчёта, мало реальной помощи.")},
    "kk": {"positive": ("Еріктілерге рахмет, анама көп көмектесті.", "Қор отбасымызға қиын кезде қол ұшын берді.",
                        "Тегін заң кеңесі ашылғаны өте жақсы."),
           "neutral": ("ҮЕҰ-лардың не істейтіні туралы ақпарат көбірек болса екен.",
                       "Мұндай ұйымдармен қалай байланысуға болатынын білмеймін.",
                       "Есептер қазақ тілінде де жарияланса, ыңғайлы болар еді."),
           "negative": ("Мемлекеттік тапсырыс қаражаты қайда жұмсалатыны белгісіз.",
                        "Біздің ауылда бұл ұйымдарды ешкім көрген жоқ.", "Есеп үшін іс-шара көп, нақты көмек аз.")},
    "en": {"positive": ("Thanks to the volunteers, they helped my mother a lot.",
                        "The foundation supported our family when we really needed it.",
                        "It is good that free legal advice is now available."),
           "neutral": ("I would like more information about what NGOs actually do.",
                       "I do not know how to contact these organisations.",
                       "Reports in Kazakh, Russian and English would be helpful."),
           "negative": ("It is not clear where the state social order money goes.",
                        "Nobody in our village has ever seen these organisations.",
                        "Lots of events for the report, little real help.")},
}
