"""Read the situation out of a help-center question, and say how well an article fits it.

Words alone answer what the phrasings foresaw. A message that only tells what happened
("paid 40 ringgit yesterday, seller still hasn't sent it") or that shares vocabulary with
an article but needs something else ("can I pay in installments") is decided better by
what the message says about the order and what the asker wants:

- facts: paid or not, delivered / marked delivered / received or not, what went wrong
  (wrong item, part of it, payment failed, status not updated, expired), time elapsed;
- who speaks: the seller, or (by default) the buyer;
- what is wanted: money back, to cancel, a time, the status, the details, what to do
  next; or a need no article answers (reporting someone, paying in parts, a seller's
  listing, withdrawing a balance, fees, reviews, account settings).

Each article declares the situations it answers (``answers:``; ``a+b`` means both) and
those it is not for (``not_for:``). The matcher combines the fit with its text score.
The chat's knowledge of the asker's order (`OrderContext`) adds facts beside the words.
Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.domain.faq_situation import OrderContext
from bot.domain.model import Role, Status

# Slot values. Facts about the order:
PAID = "paid"
UNPAID = "unpaid"
STATUS_UNPAID = "status_unpaid"  # paid, yet the order still shows unpaid / waiting payment
NOT_RECEIVED = "not_received"
MARKED_DELIVERED = "marked_delivered"
RECEIVED = "received"
CONFIRMED = "confirmed"
WRONG = "wrong"
PARTIAL = "partial"
PAY_FAILED = "pay_failed"
EXPIRED = "expired"
LATE = "late"
REFUND_OPEN = "refund_open"
REFUND_REJECTED = "refund_rejected"
REFUNDING = "refunding"  # the order shows Refunding
AGREED = "agreed"  # buyer and seller agreed on something (a partial refund)
NO_PROBLEM = "no_problem"  # paid and nothing has gone wrong
SELLER = "speaker:seller"
# What the asker wants:
WANT_REFUND = "want:refund"
WANT_CANCEL = "want:cancel"
WANT_TIME = "want:time"
WANT_STATUS = "want:status"
WANT_DETAILS = "want:details"
WANT_NEXT = "want:next"
WANT_MONEY = "want:money"  # a seller asking when the money comes
WANT_OUTCOME = "want:outcome"  # what happens (to the order, to the money)
WANT_CONFIRM = "want:confirm"  # whether / when to confirm, close or complete the order
AUTO_CANCELLED = "auto_cancelled"
# A need no article answers: its value starts with this.
UNCOVERED = "uncovered:"

SLOTS = frozenset(
    {
        PAID,
        UNPAID,
        STATUS_UNPAID,
        NOT_RECEIVED,
        MARKED_DELIVERED,
        RECEIVED,
        CONFIRMED,
        WRONG,
        PARTIAL,
        PAY_FAILED,
        EXPIRED,
        LATE,
        REFUND_OPEN,
        REFUND_REJECTED,
        REFUNDING,
        NO_PROBLEM,
        SELLER,
        WANT_REFUND,
        WANT_CANCEL,
        WANT_TIME,
        WANT_STATUS,
        WANT_DETAILS,
        WANT_NEXT,
        WANT_MONEY,
        WANT_OUTCOME,
        WANT_CONFIRM,
        AGREED,
        AUTO_CANCELLED,
    }
)
_PROBLEMS = frozenset(
    {STATUS_UNPAID, NOT_RECEIVED, MARKED_DELIVERED, WRONG, PARTIAL, PAY_FAILED, EXPIRED, LATE}
)


def _cue(*patterns: str) -> re.Pattern[str]:
    """One case-insensitive regex matching any of the patterns as whole words."""
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


# Cues read from the raw lowercase text, for what the lexicon's concepts do not say.
# They name kinds of situation and need, not phrasings of one article.
# A seller telling they delivered (the order now waits for the buyer's confirmation).
_SELLER_DELIVERED = _cue(
    r"(?:i|we) (?:have |had |already )?(?:delivered|sent|hantar|dah hantar)",
    r"(?:after|once|lepas) i (?:deliver|send|sent|delivered|hantar)",
    r"(?:buyer|he|she) (?:has |had )?(?:received|got|dapat|terima)",
    r"delivered (?:the |it|his|her)",
)
# A message opening with its speaker's role: "seller. buyer opened a refund...".
_SELLER_OPENING = re.compile(r"^\s*(?:seller|seller here|as seller|penjual)\s*[.,:;!-]")
_SELLER_CUES = _cue(
    r"from (?:a |the )?sellers? (?:point of view|perspective|side)",
    r"as (?:a|the) seller",
    r"i(?: a)?m (?:a |the )?seller",
    r"i am (?:a |the )?seller",
    r"saya (?:seller|penjual)",
    r"my (?:buyer|buyers|customer|customers|listing|listings|shop|store)",
    r"the buyer",
    r"(?:a |the )?buyer (?:\w+ )?(?:asked|asks|wants|requested|claims|says|said|did not|didnt|"
    r"hasnt|has not|still)",
    r"i (?:sent|delivered|gave) (?:him|her|them|the buyer|it to)",
    r"pembeli (?:minta|kata|tak)",
)
# The buyer has asked for a refund (told as a fact, not asked how to).
_REFUND_OPEN_CUES = _cue(
    r"(?:asked|requested|submitted|applied|claimed|opened|raised|filed|made|asking) (?:for )?"
    r"(?:a |the |my )?refund",
    r"(?:dah|sudah|telah) (?:minta|mohon|request) refund",
    r"refund (?:request )?(?:was |is |has been |already )?"
    r"(?:requested|submitted|opened|applied|raised|sent|made|dihantar)",
    r"refund request (?:is )?(?:still )?(?:pending|open)",
)
# The order was cancelled by the system (past), not "will it be cancelled".
_AUTO_CANCELLED_CUES = _cue(
    r"(?:got|was|been|is|kena|dah|already) (?:auto ?)?"
    r"(?:cancel|cancelled|canceled|batal|dibatalkan)(?: by itself| automatically| sendiri)?",
    r"(?<!be )cancel\w* (?:by itself|automatically|sendiri)",
)
# The buyer has confirmed receipt, or has not yet (the order waits for it).
# Done, not asked about: "clicked confirm", "dah tekan terima", "already confirmed the order".
_CONFIRMED_CUES = _cue(
    r"(?:(?:clicked|pressed|tapped|tertekan|terklik)|(?:dah|sudah|already|accidentally|accident|"
    r"terlanjur|tersilap|mistakenly|i|he|she|buyer) (?:click|press|tekan|klik|tap)\w*) (?:on )?"
    r"(?:the )?(?:confirm\w*|terima|received|receive)",
    r"confirmed (?:receive|received|receipt|terima)",
    r"(?:i|he|she|buyer|already|dah|sudah) (?:has |have |had )?(?:already )?confirmed "
    r"(?:the |my |this )?(?:order|receipt|it|delivery)",
    r"(?:buyer|he|she) (?:has |had )?(?:already )?confirmed",
    r"(?:^|\. )confirmed (?:the |my |this )?(?:order|receipt|it)",
)
_NOT_CONFIRMED = re.compile(
    r"\b(?:not|never|havent|hasnt|didnt|dont|belum|blm|tak|x|yet to|without)(?: \w+)? ?$"
)
_RECEIVED_CUES = _cue(
    r"(?:has|have|had|just|already) (?:arrived|received (?:it|the \w+)|got (?:it|the \w+))",
    r"(?:arrived|received) (?:safely|fine|ok|okay|already)",
    r"redeemed (?:it )?successfully",
    r"(?:everything|all|it) (?:appears|seems|looks|is) (?:to be )?(?:in order|fine|ok|okay|good)",
    r"works? (?:fine|well|perfectly)",
    r"dah (?:dapat|terima|sampai)",
    r"arrived",
    r"(?:received|got|dapat|terima) (?:the |my |his |her )?"
    r"(?:login|account|code|key|item|details|voucher|card|game)\w*",
)
_EXPIRED_CUES = _cue(
    r"orders? (?:\w+ )?(?:is |was |has |just )?(?:gone|disappear\w*|vanish\w*|hilang|lesap)",
)
_MARKED_CUES = _cue(
    r"waiting (?:for )?confirmation",
    # Delivered as a claim or a status: "set my order to delivered", "it says my order was
    # delivered", "marked as complete delivery", "the status says the seller has delivered".
    r"(?:says|said|shows|show|showing|set|sets|mark|marks|marked|put|changed?|tanda\w*|claims?|"
    r"claimed|status|pressed|clicked|click|press|tekan)(?: \w+){0,4} "
    r"(?:delivered|completed?|complete delivery|dah hantar)",
    r"(?:says|shows|show|showing|status|marked|mark|clicked|click|put|tanda|tekan) "
    r"(?:as |it as |it |the order as |order as )?(?:delivered|completed|dah hantar)",
    r"(?:claims?|claimed|says?|said|saying) (?:he |she |they |it )?(?:has |had |was |is )?"
    r"(?:already )?(?:sent|delivered|done)",
)
_NOT_SENT_CUES = _cue(
    r"(?:hasnt|has not|havent|have not|didnt|did not|never|not|yet to|still not|tak|belum|"
    r"x|tidak) (?:yet )?(?:sent|send|delivered|deliver|hantar|dihantar|kirim|fulfilled)",
    r"without (?:any )?delivery",
    r"no delivery",
    r"gone (?:silent|quiet|missing)",
    r"still (?:nothing|no item|no items|waiting(?! (?:for )?payment))",
    r"undelivered",
    r"(?:still )?no (?:shards|diamonds?|items?|codes?|keys?|credits?|coins?|gems?|uc|robux|"
    r"top ?ups?|account|login details|details|voucher|gift card|points)\b(?! (?:needed|required))",
    r"nothing (?:\w+ )?(?:yet|arrived|came|showed|appeared|received|in my|masuk|sampai)",
    r"ran out of stock",
    r"(?:cannot|cant|unable to|tak dapat|tak boleh|not able to) (?:\w+ )?(?:deliver|send|hantar)",
)
# A negator just before a paid cue: "have not paid", "never paid", "belum bayar".
_NOT_PAID = re.compile(
    r"\b(?:not|never|havent|hasnt|didnt|dont|no need to|no need|yet to|belum|blm|tak|x|"
    r"tidak|without|before)(?: \w+)? ?$"
)
# A payment that did not go through, told without the word "failed".
_PAY_FAILED_CUES = _cue(
    r"(?:try|use|cuba|guna) (?:another|a different|other|lain) (?:payment )?(?:method|cara|kaedah)",
    r"(?:kept|keeps|keep) (?:spinning|loading|failing|fail)",
)
# Paying done, as opposed to paying talked about ("how long do I have to pay").
_PAID_CUES = _cue(
    r"paid",
    r"payed",
    r"(?:dah|sudah|telah|udah|baru|just) (?:\w+ )?(?:bayar\w*|membayar|pay\w*|transfer\w*)",
    r"pay(?:ed)? (?:already|liao|d|dy|oredi)",
    r"bayar (?:\w+ ){0,3}(?:dah|sudah)",
    r"success\w* payment",
    r"bayaran (?:saya )?(?:dah |telah |sudah )?berjaya",
    r"(?:payment|pay\w*) (?:(?!not|tak|x|tidak|never|belum|blm|tk)\w+ )?"
    r"(?:success\w*|sucess\w*|succes\w*)",
    r"payment (?:has been |was |is )?success\w*",
    r"transfer\w* (?:via|through|thru|using|guna|the money|money|duit)",
    r"done (?:pay|paying|payment)",
    r"(?:made|completed|finished|done) (?:the |my )?payment",
    r"finished paying",
    r"transferred",
    r"bank(?:ed)? ?in",
    r"(?:cash )?deposit(?:ed)?",
    r"payment (?:was |is )?(?:done|successful|success|went through|berjaya)",
    r"money (?:is |was |has )?(?:gone|deducted|taken|left)",
    r"(?:took|taken|holding|hold|held) (?:the |my )?(?:money|payment)",
    r"payment (?:is )?(?:on hold|held|pre ?authori[sz]ed)",
    r"(?:deducted|debited|charged|potong|dipotong)",
    r"topped up",
    r"bought",
    r"purchased",
    r"dah beli",
    r"pemindahan",
)
# Not paying, said outright.
_UNPAID_CUES = _cue(
    r"(?:didnt|did not|havent|have not|hasnt|not|never|belum|blm|tak|x|forgot to|lupa) (?:yet )?"
    r"(?:pay|paid|bayar|make (?:the )?payment|made (?:the )?payment)",
)
# Paid, yet the order does not show it.
_STATUS_UNPAID_CUES = _cue(
    r"payment (?:is )?(?:still )?(?:pending|delayed|processing|stuck)",
    r"pending payment",
    r"(?:status|payment|order) (?:is )?(?:still |masih )?(?:not|hasnt|has not|belum|tak|x) "
    r"(?:been )?(?:updated|update|changed|change|reflected|confirmed|berubah|ubah)",
)
# The order does not show paid: a problem only for someone who paid.
_SHOWS_NOT_PAID_CUES = _cue(
    r"(?:status|order) (?:is )?(?:still )?(?:not|hasnt|has not|belum|tak|x) (?:showing )?paid",
    r"still (?:says|shows|show|showing) (?:unpaid|not paid|waiting payment)",
    r"(?:become|becomes|jadi|turn|turns|change to|show|shows) (?:as )?paid",
    r"(?:send|hantar|submit|upload) (?:the |my )?(?:receipt|resit|proof|slip|bukti)",
    r"(?:receipt|resit|proof|slip|bukti) (?:\w+ ){0,2}(?:send|hantar|submit|to who|kat mana|where)",
)
# What came is not what was paid for ("arrived, it's the standard edition, I paid for
# deluxe"); read only when nothing says it did not come.
_MISMATCH = _cue(r"(?:arrived|received|got|sent)\b.{0,60}\bi (?:paid|ordered|bought) for")
_NOT_THE_GOODS_WRONG = _cue(r"(?:something|anything|what|whats|is it|apa) (?:is )?wrong")
# The order's status named as a fact ("still under Waiting Delivery").
_WAITING_DELIVERY_CUES = _cue(r"waiting (?:for )?delivery", r"menunggu penghantaran")
_WRONG_CUES = _cue(
    r"rather than",
    r"turns? out (?:to be )?",
    r"instead of",
    r"(?:account|akaun|code|kod|key|voucher|login|password|item|product|card) (?:\w+ ){0,3}"
    r"(?:cannot|cant|can not|does not|doesnt|did not|didnt|not|tak|tak boleh|x boleh|xboleh) "
    r"(?:login|log in|work|be used|use|redeem|boleh guna|dapat guna)",
    r"not what (?:he|she|i|they|we) (?:ordered|paid for|bought)",
    # The goods taken away after delivery: kicked out, taken back, revoked.
    r"(?:kicked|kick) (?:me )?out",
    r"kena kick",
    r"(?:got |was |been )?(?:taken back|revoked|reclaimed|recovered by)",
    r"(?:was|has been|got) used before",
)
_PARTIAL_CUES = _cue(
    r"(?:\d+|one|two|three|four|five|half) (?:of|out of|daripada|dari) (?:the |my |his |her )?"
    r"(?:\d+|two|three|four|five|six|ten)",
    r"only (?:\w+ ){0,2}\d+(?! ?(?:hours?|hrs?|h|days?|minutes?|mins?|jam|hari|weeks?))",
    r"only (?:\d+|half|some|part|one|two|three)",
    r"(?:did|sent|delivered|gave|got|received) "
    r"(?:\d+(?! ?(?:hours?|hrs?|h|days?|minutes?|mins?|jam|hari|weeks?))|half|some|part)"
    r"(?: of| out of)?",
    r"(?:rm ?)?\d+ (?:\w+ ){0,2}(?:out of|daripada|from) (?:rm ?)?\d+",
    r"missing (?:items?|ones|parts?|\d+)",
    r"(?:is|are|was|were) missing (?:the |some |a |an |\d+)",
    r"the (?:other|remaining|rest)",
    r"(?:separuh|sebahagian|sikit je|baki)",
    r"half",
)
_LATE_CUES = _cue(
    r"(?<!how )(?:\d+|two|three|four|five|six|several|few|many|a couple of) ?"
    r"(?:days|day|hours|hour|hrs|hr|h|weeks|hari|jam|minggu)(?: ago| already| dah| lepas)?",
    r"almost a day",
    r"since (?:yesterday|last week|morning|this morning)",
    r"(?:since|on|paid|last|ordered) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"isnin|selasa|rabu|khamis|jumaat|sabtu|ahad)",
    r"a (?:day|week) (?:ago|already|now)",
    r"(?:semalam|kelmarin|minggu lepas|dah lama|so long|too long|forever)",
)
_WANT_REFUND_CUES = _cue(
    r"money back",
    r"my money",
    r"duit (?:balik|saya)",
    r"refund",
    r"reimburs\w*",
    r"(?:wang|duit) (?:\w+ )?dikembalikan",
    r"(?:rm ?)?\d+ back",
    r"(?:get|want|nak|dapat) (?:some|part|half|sikit) (?:of )?(?:the |my )?(?:\w+ )?back",
    r"where(?:s| is) my (?:rm ?\d+|money|duit|\$\d+)",
    r"pulangan",
    r"get (?:it|them) refunded",
    r"return (?:my|the) (?:money|payment)",
)
_WANT_CANCEL_CUES = _cue(
    r"withdraw from (?:a |the |my |this )?(?:purchase|order)",
    r"(?:want|wanna|would like) (?:to )?(?:get |back |pull )?out",
    r"(?:to |wanna |want to )back out",
    r"back out of (?:the |this |my )?(?:order|purchase|deal)",
    r"(?:can i|could i|boleh) (?:get |back |pull )?out",
    r"(?:ordered|bought|paid) (?:\w+ ){0,3}twice",
    r"duplicate order",
    r"double order",
    r"only need one",
    r"tarik diri",
    r"tarik balik (?:pembelian|order|pesanan|belian)",
    r"changed my mind",
    r"dont want (?:it|this|them)?(?: anymore)?",
    r"do not want (?:it|this|them)?(?: anymore)?",
    r"no longer (?:want|need)",
    r"tak (?:jadi|nak)",
    r"cheaper elsewhere",
    r"found (?:it|the same \w+|one) cheaper",
)
# "will the order be cancelled" asks what happens, not to cancel.
_PASSIVE_CANCEL = _cue(r"(?:be|been|get|gets|got|kena|is|auto) (?:auto ?)?cancel\w*")
_WANT_STATUS_CUES = _cue(
    r"(?:check|see|know|view|tengok|semak|track) (?:the |my )?(?:order )?(?:status|progress)",
    r"where is my order",
    r"what (?:that|this|it|the status) means?",
    r"what (?:is|does) (?:the |a |my )?(?:status )?(?:waiting|refunding|expired|deleted|completed)",
    r"difference between (?:\w+ )?(?:waiting|status|delivery|confirmation|refunding|expired)",
    r"apa beza",
    r"(?:see|check|know|tengok|semak) (?:if|whether|sama ada) (?:my |the )?order",
    r"(?:apa )?maksud (?:status|nya)",
    r"(?:not sure|dont know|tak tahu|tak faham) what (?:that|this|it) means?",
)
_REFUND_REJECTED_CUES = _cue(
    r"(?:reject|rejected|rejects|declined|declines|refused|refuses|tolak|menolak) (?:my |the )?"
    r"refund",
    r"refund (?:request )?(?:was |is |kena )?(?:rejected|declined|refused|ditolak)",
)
_WANT_OUTCOME_CUES = _cue(
    r"(?:what|wat|wht) (?:happens|happen|will happen|happened)",
    r"(?:complete|completed|confirm\w*|close|closed|finish) (?:by itself|automatically|sendiri)",
    r"apa (?:akan )?jadi",
    r"where (?:did|does|will) (?:my |the )?(?:money|payment|duit) go",
    r"why do i have to pay more",
)
_WANT_DETAILS_CUES = _cue(r"(?:which|what) page (?:shows|has|lists|tells)")
_WHERE = _cue(
    r"where",
    r"how (?:do|can|to) (?:i )?(?:see|find|view|check)",
    r"mana",
    r"(?:which|what) page",
)
_WANT_CONFIRM_CUES = _cue(
    r"(?:should|shud|shld|patut|can|boleh) i (?:\w+ )?(?:the )?confirm\w*",
    r"(?:press|click|tekan|klik) (?:the )?confirm\w* (?:now|yet|dulu|sekarang|or wait)",
    r"(?:close|complete|confirm|finish) (?:the |my |this )?order",
    r"(?:before|should|can|when (?:should|do|can)) i (?:confirm|close|complete|press|click)",
)
# An order status named ("what does waiting delivery mean"), not a chat box or a word.
_STATUS_WORDS = _cue(
    r"status\w*",
    r"waiting (?:for )?(?:payment|delivery|confirmation)",
    r"refunding",
    r"expired",
    r"deleted",
    r"completed",
)
_MONEY_BACK = _cue(
    r"money back", r"my money", r"duit (?:balik|saya)", r"(?:want|nak) (?:a )?refund"
)
_REFUNDING_CUES = _cue(
    r"(?:says|shows|show|showing|status(?: is)?|jadi|become|became|changed to|now) refunding",
)
_WANT_TIME_CUES = _cue(
    r"how long",
    r"how many (?:hours|days)",
    r"when (?:will|do|does|can|is|should)",
    r"bila",
    r"berapa lama",
)
_WANT_NEXT_CUES = _cue(
    r"what (?:should|do|can|must) i do",
    r"do i (?:have|need) to do",
    r"what (?:now|next|happens now|happens next)",
    r"(?:next step|lepas ni|then how|so now)",
    r"apa (?:yang )?(?:perlu|patut|kena|boleh) (?:saya |aku )?(?:buat|lakukan)",
    r"what (?:would|do|can|could) you (?:recommend|suggest|advise)",
    r"(?:am i|are we) supposed to",
    r"what (?:i|to) (?:must|should|need to|have to) do",
    r"do next",
    r"(?:can|could) i (?:still )?do (?:something|anything)",
    r"(?<!how )(?:do|should|shud|must) i (?:message|chat|contact|pm|text|wait)",
    r"anything (?:else )?i should (?:know|be aware of|do)",
    r"(?:macam mana|mcm mana) (?:sekarang|now)",
    r"now how",
    r"then(?=\s*\?*\s*$)",
    r"(?:just|baru) (?:finished |completed |done )?(?:paid|paying|pay|bayar|made the payment)",
)
_WANT_MONEY_CUES = _cue(
    r"(?:payment|money|funds?|duit) (?:\w+ ){0,3}(?:is |be |get |gets )?released",
    r"release (?:of )?(?:the |my )?(?:payment|money|funds?)",
    r"when (?:do|will|can) i (?:get|receive) (?:paid|the money|my money|the payment)",
    r"(?:get|receive) (?:my )?(?:paid|payment|earnings)",
    r"bila (?:duit|bayaran) (?:masuk|sampai)",
)
# Needs no article answers, in the marketplace's own vocabulary.
_UNCOVERED_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "report",
        _cue(
            r"report(?:ing)? (?:a|the|this|that)? ?(?:fake )?"
            r"(?:seller|buyer|user|scammer|account|listing|shop|store|product)",
            r"(?:ban|block|blacklist) (?:a|the|this|that)? ?(?:seller|buyer|user)",
            r"scamming (?:people|others|everyone)",
        ),
    ),
    (
        "instalment",
        _cue(
            r"install?ments?",
            r"ansuran",
            r"pay (?:in|by) (?:parts|part)",
            r"split (?:the )?payment",
            r"bnpl",
            r"paylater",
        ),
    ),
    (
        "listing",
        _cue(
            r"my listings?",
            r"(?:create|post|upload|add|make) (?:a |an |my |new )?(?:listings?|products?)",
            r"how many listings",
            r"(?:my|the) (?:shop|store) (?:settings?|mode|name|page|status|profile)",
            r"(?:holiday|vacation|away) mode",
            r"list (?:an|a|my) (?:item|product)",
            r"(?:my|the) (?:product|item) page",
            r"change (?:the )?price of my",
        ),
    ),
    (
        "bargain",
        _cue(
            r"bargain\w*",
            r"make (?:an |a )?offer",
            r"(?:price|harga) (?:\w+ ){0,4}(?:fixed|tetap)",
            r"negotiat\w* (?:the |a )?price",
            r"nego (?:the |harga)",
            r"haggl\w*",
            r"tawar\w*",
            r"(?:lower|cheaper|better) price",
            r"(?:reduce|kurangkan|turunkan) (?:the )?(?:price|harga)",
        ),
    ),
    (
        "edit_order",
        _cue(
            r"(?:change|edit|modify|tukar|ubah) (?:the |my )?"
            r"(?:order quantity|quantity|qty|variant)",
            r"(?:add|tambah) (?:an |another |more )?(?:item|items) "
            r"(?:to|into|dalam) (?:my |the )?order",
            r"combine (?:my )?orders",
        ),
    ),
    (
        "other_service",
        _cue(
            r"pre ?orders?",
            r"warranty",
            r"waranti",
            r"bulk (?:order|buy|purchase)",
            r"wholesale",
            r"borong",
            r"reseller",
            r"(?:gift|send) (?:it |this |an item |the item )?to (?:a |my )?friend",
            r"membership",
            r"(?:reward|loyalty) points",
        ),
    ),
    (
        "withdraw",
        _cue(
            r"withdraw\w* (?:my |the |all )?(?:money|balance|funds?|earnings|cash|duit|baki)",
            r"withdrawal",
            r"cash ?out",
            r"payout",
            r"pengeluaran",
        ),
    ),
    (
        "hours",
        _cue(
            r"what time (?:does|do|is|will) (?:support|cs|customer service|the office|kaleoz)",
            r"(?:support|office|operating|business|working) hours",
            r"(?:open|buka) (?:on )?(?:weekends?|sundays?|saturdays?|public holidays?)",
        ),
    ),
    (
        "outage",
        _cue(r"is (?:\w+ ){1,2}down", r"(?:whatsapp|telegram|facebook|google|gmail) down"),
    ),
    (
        "other_site",
        _cue(
            r"bought (?:it |them |this |that )?(?:elsewhere|outside|from another "
            r"(?:site|shop|store|platform|website|app))",
            r"(?:beli|dibeli) (?:di |kat )?(?:tempat lain|luar)",
        ),
    ),
    (
        "assistant",
        _cue(
            r"(?:help me |can you |could you |please )"
            r"(?:write|compose|draft|translate|summari[sz]e)",
            r"(?:birthday|wedding|anniversary|raya) (?:message|wish|wishes|card|poem)",
            r"public holidays?",
            r"road tax",
            r"(?:car |motor )?insurance",
            r"(?:electricity|water|phone) bill",
            r"cuti umum",
        ),
    ),
    ("fees", _cue(r"fees?", r"commission", r"caj perkhidmatan")),
    (
        "account",
        _cue(
            r"(?:change|reset|forgot|update|tukar) (?:the |my )?"
            r"(?:password|email|username|phone|number|name)",
            r"delete my account",
            r"verify my account",
            r"kyc",
            r"otp",
            r"tac code",
            r"i (?:cannot|cant|can not|am unable to|tak boleh|tak dapat) log ?in",
            r"log ?in (?:problem|issue|error)",
            r"sign ?in",
        ),
    ),
    ("review", _cue(r"reviews?", r"ratings?", r"feedback score")),
    ("voucher", _cue(r"promo codes?", r"coupons?", r"discount codes?", r"platform vouchers?")),
)

# Needs that are not about an order on this marketplace, whatever else the message says.
_NEVER_ORDERS = frozenset({"other_site", "assistant", "outage", "hours"})

# Clauses that carry the need in a long story: questions and statements of a want.
_NEED_CLAUSE = _cue(
    r"i (?:want|need|would like|wanna)",
    r"can i",
    r"could i",
    r"do i",
    r"should i",
    r"how (?:do|can|to|long)",
    r"what (?:do|should|can|happens|if)",
    r"when",
    r"is it",
    r"boleh",
    r"nak",
    r"macam mana",
    r"mcm mana",
    r"bila",
)
_SENTENCE = re.compile(r"[.!?\n]+")


_WANT_WEIGHT = 1.5
_WANT = "want:"


@dataclass(frozen=True)
class Situation:
    """What a message (and the asker's order) says: slot values, and how sure of each."""

    # slot -> weight: 1.0 read from the words, less when only the order says it.
    slots: dict[str, float]

    @property
    def uncovered(self) -> bool:
        """The asker needs something no article answers."""
        return any(s.startswith(UNCOVERED) for s in self.slots)

    @property
    def wants(self) -> frozenset[str]:
        """What the asker wants, as read."""
        return frozenset(s for s in self.slots if s.startswith(_WANT))

    def has(self, slot: str) -> bool:
        """Whether the slot was read at all."""
        return slot in self.slots


def need_clauses(text: str) -> str:
    """The sentences that carry the need: questions and wants, else the last sentence."""
    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    if len(sentences) <= 1:
        return text
    asked = [s for s in sentences if _NEED_CLAUSE.search(s.lower())]
    questions = [s for s in re.findall(r"[^.!?\n]*\?", text) if s.strip()]
    chosen = questions or asked or sentences[-1:]
    return " ".join(chosen)


def _plain(text: str) -> str:
    """Lowercase without apostrophes, as the cues are written ("hasnt", "im")."""
    return text.lower().replace("'", "").replace("’", "")


def read_situation(
    text: str,
    concepts: Iterable[str],
    need_concepts: Iterable[str],
    need_text: str,
    order: OrderContext | None = None,
    *,
    spelled: str = "",
    need_spelled: str = "",
) -> Situation:
    """Slot values read from a message's words and concepts, then from the order.

    `spelled` and `need_spelled` are the same texts with typos fixed ("deliverd",
    "comfirm"): cues are looked for in both, so a typo does not hide a situation and a
    correction does not invent one."""
    lowered = _plain(text) + " . " + spelled
    need = _plain(need_text) + " . " + need_spelled
    found = set(concepts)
    wanted = set(need_concepts)
    slots: dict[str, float] = {}

    def put(slot: str, weight: float = 1.0) -> None:
        slots[slot] = max(slots.get(slot, 0.0), weight)

    # "What does waiting delivery mean": the status named is the topic, not a fact.
    asks_status = bool(_WANT_STATUS_CUES.search(need)) or (
        "meaning" in wanted and bool(_STATUS_WORDS.search(need))
    )
    failed = (
        bool(_PAY_FAILED_CUES.search(lowered))
        or "cannot_pay" in found
        or (
            ("fail" in found or "reject" in found or "insufficient" in found)
            and ("pay" in found or "paymethod" in found or "bank" in found)
        )
    )
    paid = (
        any(
            not _NOT_PAID.search(lowered[max(0, m.start() - 24) : m.start()])
            for m in _PAID_CUES.finditer(lowered)
        )
        # "money deducted", "duit dah potong".
        or (not failed and "deduct" in found)
    )
    shows_unpaid = "unpaid" in found or failed or bool(_SHOWS_NOT_PAID_CUES.search(lowered))
    # Paid, and the order expired all the same: the payment is not on the order.
    shows_unpaid = shows_unpaid or ("expire" in found and bool(_PAID_CUES.search(lowered)))
    if _STATUS_UNPAID_CUES.search(lowered) or (paid and shows_unpaid):
        # Money gone, yet the order shows unpaid, or the payment "failed".
        put(STATUS_UNPAID)
    elif (
        "unpaid" in found
        or (not paid and _PAID_CUES.search(lowered))
        or _UNPAID_CUES.search(lowered)
    ):
        put(UNPAID)
    elif paid:
        put(PAID)
    expired = "expire" in found or bool(_EXPIRED_CUES.search(lowered))
    # "expired, cant pay": the payment window closed, the payment did not fail.
    if failed and not paid and not (expired and "cannot_pay" in found):
        put(PAY_FAILED)
    if expired:
        put(EXPIRED)
    if _AUTO_CANCELLED_CUES.search(lowered):
        put(AUTO_CANCELLED)
    if _REFUNDING_CUES.search(lowered):
        put(REFUNDING)
    if _REFUND_OPEN_CUES.search(lowered):
        put(REFUND_OPEN)
        # "asked for a refund ... seller rejected it".
        if "reject" in found:
            put(REFUND_REJECTED)
    if not asks_status and (
        "marked_delivered" in found
        or _MARKED_CUES.search(lowered)
        # "have not confirmed yet": the order waits for the buyer's confirmation.
        or "not_confirm" in found
        or ("not_click" in found and "confirm" in found)
    ):
        put(MARKED_DELIVERED)
    if "not_received" in found or "nothing" in found or _NOT_SENT_CUES.search(lowered):
        put(NOT_RECEIVED)
    # "wrong" said of the goods, not "is something wrong on your side".
    if "wrong" in found and not _NOT_THE_GOODS_WRONG.search(lowered):
        put(WRONG)
    if "partial" in found or "short" in found or _PARTIAL_CUES.search(lowered):
        put(PARTIAL)
    if ("late" in found or _LATE_CUES.search(lowered)) and not asks_status:
        put(LATE)
    if _REFUND_REJECTED_CUES.search(lowered):
        put(REFUND_REJECTED)
    for match in _CONFIRMED_CUES.finditer(lowered):
        before = lowered[max(0, match.start() - 24) : match.start()]
        # "has not pressed confirm": the order waits for the buyer's confirmation.
        put(MARKED_DELIVERED if _NOT_CONFIRMED.search(before) else CONFIRMED)
    if "confirm_received" in found and MARKED_DELIVERED not in slots:
        put(CONFIRMED)
    if "agree" in found:
        put(AGREED)
    if _WAITING_DELIVERY_CUES.search(lowered) and not asks_status:
        put(PAID)
        # Waiting Delivery is where a paid order normally is: a problem once it is late.
        late = "late" in found or bool(_LATE_CUES.search(lowered))
        put(NOT_RECEIVED, 1.0 if late else 0.5)
    if _WRONG_CUES.search(lowered) or (NOT_RECEIVED not in slots and _MISMATCH.search(lowered)):
        put(WRONG)
    if _RECEIVED_CUES.search(lowered) and NOT_RECEIVED not in slots:
        put(RECEIVED)
    if _SELLER_CUES.search(lowered) or _SELLER_OPENING.match(lowered):
        put(SELLER)
        # A seller who delivered: the order waits for the buyer's confirmation.
        # (whatever the buyer says he got).
        if _SELLER_DELIVERED.search(lowered):
            put(MARKED_DELIVERED)

    # What is wanted: from the clauses that carry the need, else from the whole message.
    def wants(words: str, names: set[str]) -> list[str]:
        out = []
        # "status says Refunding" names a status, it does not ask for money back.
        if ("refund" in names and not _REFUNDING_CUES.search(words)) or _WANT_REFUND_CUES.search(
            words
        ):
            out.append(WANT_REFUND)
        if ("cancel" in names and not _PASSIVE_CANCEL.search(words)) or _WANT_CANCEL_CUES.search(
            words
        ):
            out.append(WANT_CANCEL)
        if _WANT_MONEY_CUES.search(words):
            out.append(WANT_MONEY)
        if _WANT_OUTCOME_CUES.search(words):
            out.append(WANT_OUTCOME)
        if _WANT_CONFIRM_CUES.search(words):
            out.append(WANT_CONFIRM)
        if "duration" in names or "deadline" in names or _WANT_TIME_CUES.search(words):
            out.append(WANT_TIME)
        if (
            "track" in names
            or ("meaning" in names and _STATUS_WORDS.search(words))
            or _WANT_STATUS_CUES.search(words)
        ):
            out.append(WANT_STATUS)
        if (
            ("details" in names or "my_orders" in names)
            and ("check" in names or _WHERE.search(words))
        ) or _WANT_DETAILS_CUES.search(words):
            out.append(WANT_DETAILS)
        if "next" in names or _WANT_NEXT_CUES.search(words):
            out.append(WANT_NEXT)
        return out

    # The need decides between articles sharing the facts: it weighs more.
    # Without a clause that asks, the whole message; but a story that mentions details
    # or a status is not asking to see them.
    read = wants(need, wanted) or [
        w for w in wants(lowered, found) if w not in (WANT_DETAILS, WANT_STATUS)
    ]
    if REFUNDING in slots and REFUND_OPEN not in slots and not _MONEY_BACK.search(lowered):
        # "status says Refunding": the word names a status, it does not ask for a refund.
        read = [w for w in read if w != WANT_REFUND]
    for slot in read:
        put(slot, _WANT_WEIGHT)
    # A need no article answers counts when it is what is asked, and when the words do
    # not tell the asker's own order going wrong ("delivered 2 days ago, never got the
    # login details" is about the order, whatever else it names; "report a fake listing"
    # is not).
    problems = _PROBLEMS & slots.keys()
    own_order = len(problems) >= 2 or bool({PAID, RECEIVED, CONFIRMED} & slots.keys())
    for name, cue in _UNCOVERED_CUES:
        if (name in _NEVER_ORDERS or not own_order) and cue.search(need):
            put(UNCOVERED + name)

    if order is not None:
        _order_facts(order, put)
    if STATUS_UNPAID in slots:
        put(PAID)
    if PAID in slots and not (_PROBLEMS | {RECEIVED, CONFIRMED}) & slots.keys():
        put(NO_PROBLEM)
    return Situation(slots)


def _order_facts(order: OrderContext, put: Callable[[str, float], None]) -> None:
    """What the asker's order says, weaker than the words (it may be another order)."""
    weight = 0.8
    if order.role is Role.SELLER:
        put(SELLER, weight)
    if order.status is Status.WAITING_PAYMENT:
        put(UNPAID, weight)
        if order.overdue:
            put(EXPIRED, weight)
    elif order.status is Status.WAITING_DELIVERY:
        put(PAID, weight)
        if order.role is not Role.SELLER:
            put(NOT_RECEIVED, weight)
        if order.overdue:
            put(LATE, weight)
    elif order.status is Status.WAITING_CONFIRMATION:
        put(PAID, weight)
        put(MARKED_DELIVERED, weight)
        if order.overdue:
            put(LATE, weight)
    elif order.status is Status.COMPLETED:
        put(PAID, weight)
        put(CONFIRMED, weight)
    elif order.status is Status.REFUNDING:
        put(PAID, weight)
        put(REFUND_OPEN, weight)
    elif order.status is Status.EXPIRED:
        put(EXPIRED, weight)
    if order.refund_requested:
        put(REFUND_OPEN, weight)


def check_slots(values: Iterable[str], *, source: str) -> tuple[tuple[str, ...], ...]:
    """Parse ``a+b`` declarations into tuples of known slots; ValueError on an unknown one."""
    out = []
    for value in values:
        parts = tuple(p.strip() for p in value.split("+"))
        for part in parts:
            if part not in SLOTS:
                raise ValueError(f"{source}: unknown situation {part!r}")
        out.append(parts)
    return tuple(out)


@dataclass(frozen=True)
class Fit:
    """How an article's declared situations meet a read one."""

    # Weight of the slots the matched declarations explain (a slot the words say counts
    # 1, a want 1.5, one only the order says less).
    best: float
    # One of them was read from the words, not only from the order.
    said: bool
    # Weight of the strongest slot the article is declared not for (0 when none).
    against: float
    # The needs the article declares it answers.
    wants: frozenset[str] = frozenset()
    # The slots its matched declarations explain.
    held: frozenset[str] = frozenset()


def fit(situation: Situation, answers: Iterable[tuple[str, ...]], not_for: Iterable[str]) -> Fit:
    """How well an article's declared situations fit the situation read."""
    slots = situation.slots
    # Every slot some matched declaration explains: an article that accounts for more of
    # the situation (paid, not received, three days late) fits it better.
    held = {p for parts in answers if all(p in slots for p in parts) for p in parts}
    best = sum(slots[p] for p in held)
    said = any(slots[p] >= 1.0 for p in held)
    # An article may be not for sellers in general yet answer a seller's refund request:
    # a slot its matched declaration names does not count against it.
    against = max((slots.get(s, 0.0) for s in not_for if s not in held), default=0.0)
    wants = frozenset(p for parts in answers for p in parts if p.startswith(_WANT))
    return Fit(best, said, against, wants, frozenset(held))
