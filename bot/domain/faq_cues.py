"""The cues the situation reader looks for: word patterns that tell a fact about an order
(paid, delivered, not received, what went wrong), who speaks, what is wanted, and needs no
help-center article answers.

They name kinds of situation and need, not phrasings of one article, and are looked for
in the raw lowercase text, the spell-corrected text and the text with lexicon variants
read as their concept names (see `bot.domain.faq_needs.read_situation`). Apostrophes are
dropped before matching ("hasnt", "im"). Pure: no I/O.
"""

from __future__ import annotations

import re


def cue(*patterns: str) -> re.Pattern[str]:
    """One regex matching any of the patterns as whole words (the text is lowercase)."""
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


# What a buyer sends the seller so the goods can be delivered ("I sent him the player ID"):
# sending it is not a seller delivering. A login or an account sent is the goods, unless it
# is the buyer's own ("my email").
_BUYER_SENDS = (
    r"(?! (?:(?:him|her|them|the seller|seller|the shop) )?(?:(?:the |our |his |her |a )?"
    r"(?:player|user id|game id|uid|ign|id\b|screenshot|proof|receipt|message|msg|reminder|"
    r"follow)|(?:my|our) (?:\w+ )?(?:id|details|info|email|e-mail|account|login|number|username|"
    r"user name|nickname|phone)))"
)

# A seller telling they delivered (the order now waits for the buyer's confirmation).
SELLER_DELIVERED = cue(
    # Not "before I delivered": the refund was asked while the order waited for delivery.
    # Nor "what I sent him: '...'", which quotes the buyer's own message.
    r"(?<!before )(?<!until )(?<!till )(?<!what )(?:i|we) (?:have |had |already |alrdy |alredy )?"
    r"(?:delivered|sent|hantar|dah hantar)" + _BUYER_SENDS,
    r"(?:after|once|lepas) i (?:deliver|send|sent|delivered|hantar)",
    # Not "the buyer got refunded": his money back, not the goods.
    r"(?:buyer|he|she) (?:has |had )?(?:received|got|dapat|terima)"
    r"(?! (?:refunded|a refund|his refund|her refund|the refund|(?:his |her |the )?money back))",
    r"delivered (?:the |it|his|her)",
    r"(?:a|an|the|my) (?:already )?delivered order",
)

# A message opening with its speaker's role: "seller. buyer opened a refund...".
SELLER_OPENING = re.compile(
    r"^\s*(?:seller|as seller|penjual)(?: here| question| side| asking| pov)?\s*[.,:;!-]"
)

SELLER_CUES = cue(
    r"from (?:a |the )?sellers? (?:point of view|perspective|side)",
    r"as (?:a|the) seller",
    r"i(?: a)?m (?:a |the )?seller",
    r"i am (?:a |the )?seller",
    r"saya (?:seller|penjual)",
    r"my (?:buyer|buyers|customer|customers|listing|listings)",
    # "One buyer placed order 50 minutes ago ... I need to hold the stock for him?"
    r"hold (?:the |my )?stocks? for",
    # Not the buyer introducing themselves: "Hi this is the buyer from order K3381920".
    r"(?<!this is )(?<!its )(?<!it is )(?<!im )(?<!i am )the buyer",
    # "Buyer dah 45 minit tak bayar": what the buyer has not done, told by the seller.
    r"(?:a |the |my )?buyer (?:dah|sudah|still|masih|belum) (?:\w+ ){0,3}(?:tak|x|belum|not) "
    r"(?:bayar|pay|paid|confirm|reply|balas)",
    r"(?:a |the )?buyer (?:\w+ )?(?:asked|asks|wants|requested|claims|says|said|did not|didnt|"
    r"hasnt|has not|still)",
    # Not "what I sent him: '...'", a buyer quoting a message.
    r"(?<!what )i (?:sent|delivered|gave)" + _BUYER_SENDS + r" (?:him|her|them|the buyer|it to)",
    r"(?:a |the |my )?buyer (?:\w+ ){0,3}(?:messaged|chatted|texted|pmed|pm|whatsapped|told) me",
    # "buyer clicked refund on an order I delivered": what the buyer did, told by the seller.
    r"(?:a |the |my )?buyer (?:just |already )?(?:clicked|pressed|hit|opened|filed|submitted|"
    r"raised|put in|tapped) (?:a |the )?(?:request )?refund",
    r"pembeli (?:minta|kata|tak)",
)

# A shop of one's own: a seller's, unless it is the asker paying (a reseller buying stock
# "for my shop" whose card was declined).
OWN_SHOP = cue(r"my (?:shop|store|kedai)")

# A reseller's own customer ("paid for my customer's gems, the seller hasn't delivered"):
# the asker bought on the marketplace from a seller named as someone else.
MY_CUSTOMER = cue(
    r"my (?:customers?|clients?|downlines?)",
    # "Customer at my kedai ask, she paid already": a shop that buys here for its customers.
    r"customers? (?:at|in|from) my (?:shop|store|kedai)",
)
# The same, as the typo-fixed text names it ("customer" reads as the "buyer" concept).
MY_CUSTOMER_READ = cue(r"my (?:customers?|clients?|downlines?|buyers?)")
SELLER_IS_ANOTHER = cue(
    r"(?:the |this |that )?seller (?:\w+ )?(?:hasnt|has not|havent|didnt|did not|never|not yet|"
    r"still not|already|has|just|only)? ?(?:delivered|deliver|sent|send|replied|reply|gave|give)",
    r"(?:bought|ordered|purchased) (?:\w+ ){0,4}from (?:a |the |this )?seller",
    r"(?:chat|talk|message|contact)\w* (?:with |to )?(?:the |that |this )?seller",
)

# A seller telling what the buyer wants: that is what the seller asks about.
BUYER_WANTS_CANCEL = cue(
    r"(?:buyer|pembeli|customer)\b.{0,90}\b(?:wants?|wanted|asks?|asked|asking|requests?|"
    r"requested|minta|nak|mahu) (?:me )?(?:to )?(?:cancel|batal)",
    r"(?:buyer|pembeli|customer)\b.{0,60}\bchanged (?:his|her|their) mind",
)

# The seller offered something and the buyer accepts it (a partial refund agreed).
AGREED_CUES = cue(
    r"(?:offered|offers|offer|proposed|willing) to (?:give|pay|refund|return|send)",
    r"(?:im|i am|were|we are|both) (?:both |all )?(?:fine|ok|okay|happy) with (?:that|it|this)",
    # The seller says he will give part of the money back ("he'll return RM30", "he's ok
    # with giving me RM10 back").
    r"(?:hes|he is|shes|she is|theyre|they are|is|are) (?:ok|okay|fine|happy|willing|agreed?) "
    r"(?:with |to )?(?:refund\w*|return\w*|(?:giving|give|paying|pay|sending|send) (?:\w+ ){0,3}"
    r"(?:back|money|rm ?\d+))",
    r"(?:he|she|they|seller)(?:ll| will| would| can| is going to) (?:(?:return|refund|give back|"
    r"pay back|give me back|send back) (?:me )?(?:rm ?|\$)?\d+|(?:give|pay) me (?:rm ?|\$)\d+)",
)

# The buyer has asked for a refund (told as a fact, not asked how to).
REFUND_OPEN_CUES = cue(
    r"(?:asked|requested|submitted|applied|claimed|opened|raised|filed|made|asking|sent|lodged|"
    r"put in|hit|pressed|clicked|tapped) (?:for )?(?:a |the |my )?(?:request )?refund",
    r"(?:dah|sudah|telah) (?:minta|mohon|request) refund",
    r"refund (?:request )?(?:was |is |has been |already )?"
    r"(?:requested|submitted|opened|applied|raised|sent|made|dihantar)",
    r"refund request (?:is )?(?:still )?(?:pending|open)",
    # A seller's: "got a refund request on an order still on Waiting Delivery".
    r"(?:got|received|have|has|ada|dapat) (?:a |the |one )?refund request",
    r"refund request (?:notif\w*|notification|alert|email) (?:came|come|comes|arrived|masuk)",
)

# Something done before paying ("before paying I checked the seller was online"): the
# payment came after, it is not missing.
DONE_BEFORE_PAYING = cue(
    r"before (?:paying|i paid|payment|i pay|bayar)\W*(?:i |we )(?:checked|asked|made sure|"
    r"chatted|confirmed|read|looked|messaged|saw)",
)

# The asker refusing something ("what happens if I just refuse?"): no payment refused.
ASKER_REFUSES = cue(r"(?:i|we) (?:just |simply |still )?(?:refuse|reject|decline)\b")

# Refusing to pay for goods that never came, not an order left unpaid: "Refund me. I'm not
# paying for air."
PAYING_FOR_NOTHING = cue(r"(?:not|never|wont|refuse to) (?:be )?pay(?:ing)? for (?:air|nothing)")

# A payment someone wrongly believed missing: "she paid again because she thought it wasn't
# paid yet" tells no order unpaid.
BELIEVED_UNPAID = cue(
    r"(?:thought|think|thinking|assumed|assuming) (?:that )?(?:it |the order |my order |he |she )?"
    r"(?:wasnt|was not|isnt|is not|hadnt been|had not been|havent|hadnt|not) (?:been )?(?:yet )?"
    r"(?:paid|bayar)",
)

# The order was cancelled by the system (past), not "will it be cancelled".
AUTO_CANCELLED_CUES = cue(
    r"(?:got|was|been|is|kena|dah|already) (?:auto ?)?"
    r"(?:cancel|cancelled|canceled|batal|dibatalkan)(?: by itself| automatically| sendiri)?"
    r"(?! (?:a|an|the|my|this|his|her|orders?)\b)",
    r"(?<!be )cancel\w* (?:by itself|automatically|sendiri)",
    # "today the order shows cancelled": the status changed without the asker.
    r"(?:order|it|status) (?:now )?(?:shows|showing|says|is showing) (?:as )?"
    r"(?:cancelled|canceled|dibatalkan)",
    # "after 3 days system cancel d".
    r"system (?:auto ?)?(?:cancel|cancelled|canceled|batal|batalkan)\w*",
)

# Asked, not told: "if I just don't deliver, does the order cancel by itself?"
AUTO_CANCEL_ASKED = cue(
    r"(?:does|do|will|would|can|could|akan) (?:\w+ ){0,3}(?:auto ?)?cancel\w* "
    r"(?:by itself|automatically|sendiri)",
    # "berapa hari baru order batal sendiri", "got auto cancel after few days, true or not".
    r"(?:berapa (?:hari|lama)|bila) (?:\w+ ){0,3}(?:batal|cancel)\w* (?:sendiri|automatik)",
    r"auto ?cancel\w*[\w ,]{0,40}?(?:true or not|betul ke|is it true|right\?)",
    # "Shouldn't the system have cancelled it by now?"
    r"(?:should|shouldnt|should not|supposed to|wasnt|was not) (?:\w+ ){0,3}(?:have )?(?:been )?"
    r"(?:auto ?)?cancel\w*(?: it)? (?:by now|already|automatically|by itself)",
)

# The buyer has confirmed receipt, or has not yet (the order waits for it).
# Done, not asked about: "clicked confirm", "dah tekan terima", "already confirmed the order".
CONFIRMED_CUES = cue(
    r"(?:(?:clicked|pressed|tapped|tertekan|terklik)|(?:dah|sudah|already|accidentally|accident|"
    r"terlanjur|tersilap|mistakenly|i|he|she|buyer) (?:click|press|tekan|klik|tap)\w*) (?:on )?"
    r"(?:the )?(?:confirm\w*|terima|received|receive)",
    # Not the button's name: "a big Confirmed received button staring at me".
    r"confirmed (?:receive|received|receipt|terima)"
    r"(?!\W{0,2} ?(?:button|btn|option|butang|tab|link))",
    r"(?:i|he|she|buyer|already|dah|sudah) (?:has |have |had )?(?:already )?confirmed "
    r"(?:the |my |this )?(?:order|receipt|it|delivery)",
    r"(?:buyer|he|she) (?:has |had )?(?:already )?confirmed",
    r"(?:^|\. )confirmed (?:the |my |this )?(?:order|receipt|it)",
)

# "the buyer still not pressing confirm": the order waits for the buyer's confirmation.
CONFIRM_NOT_PRESSED = cue(
    r"(?:not|never|havent|hasnt|didnt|dont|doesnt|wont|belum|tak|yet to|refuses? to|refusing to)"
    r" (?:\w+ )?(?:press|click|tap|tekan|klik)\w* (?:on )?(?:the )?(?:confirm\w*|terima)",
    r"(?:refuses?|refused|refusing|wont|will not|unwilling) to confirm",
    # "the order is still waiting for me to do something on my side".
    r"(?:waiting|waits) for me to (?:do|press|click|tap|confirm|act)",
)

# The goods were sent: a failure told after that is the goods' ("he sent the code, Steam
# says error"), not the payment's.
GOODS_SENT = cue(
    r"(?:he|she|they|seller|the seller) (?:has |had |already )?(?:sent|delivered|gave) (?:me )?"
    r"(?:the |a |my )?(?:code|login|account|key|voucher|pin|item|details|card)",
)

NOT_CONFIRMED = re.compile(
    r"\b(?:not|never|havent|hasnt|didnt|dont|isnt|arent|doesnt|wont|belum|sebelum|blm|tak|x|"
    r"yet to|without|before|until|till)(?: \w+)? ?$"
)

# Asked to confirm, not confirmed: "Please check and click Confirmed received".
PLEASE_CONFIRM = cue(
    r"(?:please|pls|plz|sila)(?: \w+){0,3} (?:confirm|sahkan)\w*",
    # "the bot keeps reminding me to confirm received".
    r"remind\w* (?:me |us )?to confirm",
)

RECEIVED_CUES = cue(
    # "Genshin crystals showed up in my account just now".
    r"(?:showed|shows|turned|came) up in my (?:account|game|wallet|inventory)",
    r"(?:has|have|had|just|already) (?:arrived|received (?:it|the \w+)|got (?:it|the \w+))",
    r"(?:arrived|received) (?:safely|fine|ok|okay|already)",
    r"redeemed (?:it )?successfully",
    r"redeem(?:ed)? (?:ok|okay|fine|dah|already|liao)\b",
    # "sy dh try, blh redeem": tried, and it works.
    r"(?:dah|dh|already) (?:try|tried|cuba|test|tested)\w*,? (?:\w+ )?(?:blh|boleh|can|dapat|dpt) "
    r"(?:redeem|guna|pakai|use|login|masuk)",
    r"(?:diamonds?|uc|coins?|credits?|crystals?|gems?|points?) (?:are|is) (?:there|in)\b",
    # "logged in and checked everything, the skins and heroes are all there".
    r"(?:are|is) (?:all|both) (?:there|in)\b",
    r"(?:balance|wallet|credits?) (?:\w+ )?(?:went up|increased|bertambah|naik)\b",
    r"(?:activated|redeemed) it,? (?:and )?(?:everything|all|it) (?:works|worked|is working)\b",
    r"(?:match|matches|matched|same as) (?:the |what the )?listing(?! (?:said|says|photo|pic))",
    r"all (?:the |my )?\w+ (?:are |is )?there\b",
    r"(?:pass|subscription|membership|plan|account|premium|vip) (?:is |was )?(?:now )?"
    r"(?:active|activated)\b",
    r"logged in (?:and|&) (?:checked|verified|everything)",
    r"redeemed (?:it|them|the \w+)",
    r"(?:is|are|was|were|now) in my (?:wallet|account|inventory|game|balance)",
    # Not "it works elsewhere" of a card that failed here: the way to pay.
    r"\b(?:it|its|login|code|account|key) (?:is |was )?(?:working|works)\b"
    r"(?! (?:elsewhere|everywhere|on other|at other|in other))",
    r"(?:everything|all|it) (?:appears|seems|looks|is) (?:to be )?(?:in order|fine|ok|okay|good)",
    # Not "my card works fine on Shopee": the way to pay, not the goods.
    r"(?<!card )(?<!cards )(?<!paymethod )works? (?:fine|well|perfectly)",
    r"came through",
    r"dah (?:dapat|terima|sampai|masuk)",
    r"(?:semua|all|everything) (?:ok|okay|baik|good|fine|working)\b",
    r"arrived",
    r"(?:received|got|dapat|terima) (?:the |my |his |her )?"
    r"(?:login|account|code|key|item|details|voucher|card|game)\w*",
)

EXPIRED_CUES = cue(
    # The window to pay closed: "the pay button is no longer there".
    r"(?:pay|payment|bayar) (?:now )?(?:button|option|link) (?:is |was |has )?(?:no longer "
    r"(?:there|showing|available)|gone|missing|disappeared|hilang|not there|greyed out)",
    r"orders? (?:\w+ )?(?:is |was |has |just |dah |sudah )?"
    r"(?:gone|disappear\w*|vanish\w*|hilang|lesap)",
    # "woke up and it's just vanished from the list".
    r"(?:gone|disappeared|vanished|hilang|lesap) (?:\w+ )?from (?:the |my )?"
    r"(?:list|order list|orders|my orders|order page|history|senarai)",
)
# The goods expired, not the order ("the invite expired after 7 days", "code sudah
# tamat tempoh"): goods that fall short of what was sold.
GOODS_EXPIRED = cue(
    # Not a code to sign in or to pay: "the SMS verification code expires before it arrives".
    r"(?<!verification )(?<!sms )(?<!otp )(?<!security )(?<!login )"
    r"(?:invite|invitation|link|code|kod|key|voucher|account|akaun|subscription|membership|"
    r"plan|login|card|pass|license|licence|skins?|items?|points|diamonds|credits|gems|rank) "
    r"(?:\w+ ){0,4}(?:expired|expires|expiring|"
    r"tamat tempoh|dah tamat|luput)",
)
# A card's expiry date typed in to pay is no order expired: "typed in my card number, the
# expiry and the 3 numbers at the back".
CARD_EXPIRY = cue(r"\b(?:card|kad)\b[^.!?]{0,40}\bexpiry\b", r"\bexpiry (?:date|month|year)\b")
# A warning, not an order that expired: "keep getting 'your order will expire soon'".
EXPIRES_SOON = cue(r"(?:will|going to|gonna|about to|akan) expire", r"expir\w* soon")
# A time feared to run out: "what am I supposed to do here before the time runs out?"
BEFORE_TIME_RUNS_OUT = cue(
    r"before (?:the |my |his )?(?:time|timer|window|countdown|deadline) (?:runs out|is up|ends)"
)
ORDER_EXPIRED = cue(
    r"orders? (?:\w+ ){0,3}expired",
    r"expired orders?",
    r"status (?:\w+ ){0,3}expired",
    # "My order for the CODM account expired before I managed to transfer the money".
    r"orders? for (?:\w+ ){0,4}expired before (?:i|we) (?:\w+ ){0,2}(?:pay|paid|bayar|transfer)",
)

# A word that does not negate what follows: "he says the seller has not delivered" tells
# no delivery.
_NOT_NEGATED = r"(?!(?:not|never|no|belum|tak|hasnt|havent|hadnt|didnt|wasnt|isnt|yet)\b)"

# The order asked about still waits for the buyer's confirmation.
STILL_UNCONFIRMED = cue(
    r"still (?:\w+ ){0,2}(?:waiting|wait|menunggu) (?:for )?(?:buyer )?confirm\w*",
    r"(?:not yet|belum|blm|havent|have not) (?:\w+ )?(?:click|press|tekan|klik|tap)\w* "
    r"(?:anything|apa(?:2|-apa)?)",
)

MARKED_CUES = cue(
    r"seller (?:dah|dh|sudah|already|alrdy) (?:hantar|send|sent|deliver|delivered)",
    # "got a notification that the seller delivered my diamonds"; not "has the seller
    # delivered?" nor "when the seller delivered".
    r"(?<!has )(?<!did )(?<!if )(?<!whether )(?<!when )(?<!once )(?<!after )"
    r"the seller (?:has |had |just )?delivered (?:my|the|it|them|your|his|her)\b",
    r"waiting (?:for )?(?:the |my |buyer |buyers )?confirm(?:ation)?",
    # Delivered as a claim or a status: "set my order to delivered", "it says my order was
    # delivered", "marked as complete delivery", "the status says the seller has delivered".
    # Not a claim never made: "the seller hasn't said a word or delivered anything".
    r"(?<!hasnt )(?<!has not )(?<!havent )(?<!have not )(?<!didnt )(?<!never )"
    r"(?:says|said|shows|show|showing|set|sets|mark|marks|marked|put|changed?|tanda\w*|claims?|"
    r"claimed|status|pressed|clicked|click|press|tekan)(?: " + _NOT_NEGATED + r"\w+){0,4} "
    r"(?:delivered|completed?|complete delivery|(?:dah|sudah|telah) (?:di)?hantar)",
    r"(?:says|shows|show|showing|status|marked|mark|clicked|click|put|tanda|tekan) "
    r"(?:as |it as |it |the order as |order as )?(?:delivered|completed|(?:dah|sudah|telah) "
    r"(?:di)?hantar)",
    # Not chat messages that "just say sent, never read", nor a payment ("wallet says sent").
    r"(?<!wallet )(?<!bank )(?<!app )(?<!receipt )(?<!transfer )"
    r"(?:claims?|claimed|says?|said|sed|saying) (?:he |she |they |it )?(?:has |had |was |is )?"
    r"(?:already )?(?:sent|delivered|done)(?!\W{1,3}(?:but )?(?:never|not|belum|tak) (?:read|seen|"
    r"dibaca))",
    # "auto complete after 3 days?": only an order marked delivered completes by itself.
    r"auto ?-?(?:complete|completed|completes|confirm|confirmed|confirms)\b",
    # "seller say dah deliver": a delivery claimed in the seller's words.
    # "penjual bilang udah dikirim" (Indonesian).
    r"(?:claims?|says?|said|sed|saying|bilang|kata|cakap) (?:he |she |they |dia )?"
    r"(?:dah|dh|sudah|udah|already) (?:deliver|send|hantar|dihantar|kirim|dikirim)\b",
)

NOT_SENT_CUES = cue(
    r"(?:hasnt|has not|havent|have not|didnt|did not|never|not|yet to|still not|tak|belum|"
    r"x|tidak) (?:yet )?(?:sent|send|delivered|deliver|hantar|dihantar|kirim|fulfilled)",
    r"without (?:any )?delivery",
    r"no delivery",
    r"gone (?:silent|quiet|missing)",
    r"still (?:nothing|no item|no items|"
    # Not waiting for a step of paying: "still waiting for the OTP from my BCA app".
    # Nor the order waiting for the buyer: "still waiting for me to do something".
    r"waiting(?! (?:for )?(?:payment|(?:my |your |the |buyers? )?confirm\w*|(?:the |my |an? )?"
    r"(?:otp|tac|bank|approval|salary|gaji)|for me to)))",
    r"(?:until now|till now|til now|sampai sekarang|sampai harini|hingga kini),? (?:still )?"
    r"(?:nothing|no|takde|tiada|tak dapat|belum|x dapat)\b",
    r"undelivered",
    # "diamond count exactly the same as before": nothing landed.
    r"(?:count|balance|amount|baki|jumlah) (?:is |was |stays? |stayed |still |masih )?(?:exactly "
    r"|still |masih )?(?:the same|sama) (?:as before|as it was|macam (?:sebelum|tadi))",
    # "I logged in and the crystals are not there".
    r"(?:diamonds?|crystals?|gems?|uc|credits?|coins?|items?|skins?|goods|top ?up|reload|"
    r"robux|v ?bucks|primogems?) (?:are |is |was |were )?(?:still )?not (?:there|in yet|"
    r"in (?:my|the) (?:account|game|wallet|inventory))",
    r"(?:still )?no (?:new |more )?(?:shards|diamonds?|items?|codes?|keys?|credits?|coins?|gems?|"
    r"uc|robux|top ?ups?|account|login details|details|voucher|gift card|points)\b"
    r"(?! (?:needed|required))",
    r"nothing (?:\w+ )?(?:yet|arrived|came|showed|appeared|received|in my|masuk|sampai)",
    r"nothing (?:\w+ ){0,2}in (?:the |my )?(?:chat|kchat|inbox|email|account)",
    r"(?:received|got|gotten|receive) (?:absolutely )?nothing",
    # "checked my game this morning and no crystals": looked for the goods, found none.
    # Not "gave me the login and its AR48 and no Nahida": the login is the goods there.
    r"(?:checked|check|looked|logged in|(?<!the )(?<!a )(?<!my )login|semak)\b.{0,40}?"
    r"\b(?:and|but|tapi) "
    r"(?:still )?(?:no|nothing|empty|takde|tiada)\b",
    r"ran out of stock",
    r"(?:cannot|cant|couldnt|could not|unable to|tak dapat|tak boleh|not able to) (?:\w+ )?"
    r"(?:deliver|send|hantar)",
    # "check my UC still same": the balance the goods were to add to has not moved.
    r"(?:uc|diamonds?|balance|baki|coins?|credits?|points?|gems?|crystals?|wallet) (?:\w+ )?"
    r"(?:still|masih) (?:the )?same",
    # "My UC balance was 12 before and it's STILL 12".
    r"(?:was|were) (?P<before>\d+) before,? (?:and |but )?(?:its |it is |now )?(?:still |masih )?"
    r"(?P=before)\b",
)

# The seller out of reach ("offline ever since", "ghosted me"): after a long wait, the goods
# have not come.
SELLER_SILENT = cue(
    r"(?:offline|unreachable|mia|disappeared|vanished|ghosted|ghosting|senyap|silent|"
    r"not (?:replying|responding|answering)|no (?:reply|response|answer)|"
    r"(?:dun|dont|doesnt|didnt|never|not) (?:reply|replied|respond|responded|answer))",
)

# The seller gone after the payment ("seller ghosted me after I paid"): gone, not offline
# for an hour.
SELLER_GONE = cue(
    r"(?:seller|he|she|they|guy|vendor|shop|penjual|dia) (?:has |had |just |then |totally |"
    r"completely |already |dah )?(?:ghosted|vanished|disappeared|ran away|lari|hilang|mia)\b",
)

# A wait of days, not hours ("2 days ago", "since last week"): long for digital goods.
LONG_WAIT = cue(
    r"(?<!how )(?:\d+|two|three|four|five|six|several|few|many|a couple of) ?"
    r"(?:days|day|weeks|week|hari|minggu)(?: ago| already| dah| lepas| now)?",
    r"a (?:day|week) (?:ago|already|now)",
    r"since (?:yesterday|last week)",
    r"(?:semalam|kelmarin|minggu lepas|dah lama|so long|too long|forever)",
)

# A negator just before a paid cue: "have not paid", "never paid", "belum bayar".
# How far before a payment word NOT_PAID looks. Its patterns are anchored at that word, so
# this bounds only how many words a negation may span ("none of my orders were paid").
NOT_PAID_REACH = 32
NOT_PAID = re.compile(
    r"\b(?:not|never|havent|hasnt|hadnt|didnt|dont|isnt|wasnt|werent|arent|no need to|no need|"
    r"yet to|"
    r"belum|blm|tak|x|"
    # Not a question's "tak" before "if": "can cancel tak kalau dah bayar?".
    r"tidak|without|before)(?: (?!kalau\b|kalo\b|if\b)\w+)? ?$"
    # "no money was taken", "nothing was charged", "none of them were paid".
    r"|\b(?:no|nothing|none|neither)(?: of (?:them|it|those|these|(?:the|my) \w+))?"
    r"(?: (?:money|amount|funds?|charges?|payment|duit|ringgit|rm ?\d+(?:\.\d+)?))?"
    r"(?: (?:was|were|is|are|has been|have been|had been|got|kena))? ?$"
    # "expired before I managed to transfer the money": a payment that never came.
    r"|\b(?:before|sebelum) (?:i |we |he |she |they )?(?:could |managed to |manage to |got to |"
    r"had time to |sempat )$"
    # "will I be charged for it later": a payment feared or asked about, not made.
    r"|\b(?:will|wil|would|going to|gonna|akan) (?:i |it |we |you |they |he |she )?"
    r"(?:be |get |kena |receive |still )?$"
    # "scared later kena charge", "takut nanti duit terpotong": feared, not done.
    r"|\b(?:scared|afraid|worried|takut|risau|bimbang|in case|later|nanti)(?: \w+){0,2} ?$"
    # "I don't want to get charged later": a payment not wanted, not made.
    r"|\b(?:dont|do not|didnt|did not|never) (?:want|wanna|wish|intend|plan) to "
    r"(?:get |be |receive )?$"
    # "Was I charged for it?", "have I been charged?": asked, not told.
    r"|\b(?:was|were|am|have|has|did) (?:i|we) (?:been |get |got )?$"
    # "I don't think he paid": doubted, not done.
    r"|\b(?:dont|do not|doubt) (?:think|believe) (?:\w+ ){0,2}(?:has |have |had |actually )?$"
    # "the last time I paid kinda late it went through": another order's payment.
    r"|\b(?:last|previous|other) time (?:i |we )?$"
)

# A payment that did not go through, told without the word "failed".
PAY_FAILED_CUES = cue(
    # "got 'payment limit reached'": one of the payment article's reasons.
    r"limit (?:reached|exceeded|hit)",
    r"exceed\w* (?:my |the )?(?:\w+ )?limit",
    r"(?:transaction|payment|card) (?:was |got |kena |is )?declined",
    r"(?:try|use|cuba|guna) (?:another|a different|other|lain) (?:payment )?(?:method|cara|kaedah)",
    r"(?:kept|keeps|keep) (?:spinning|loading|failing|fail)",
    # "the payment fails every time", "it cannot be processed".
    r"(?:payment|transaction|card|pay) (?:\w+ ){0,2}(?:fails|failing|keeps failing|is declined|"
    r"gets declined|got declined)",
    r"(?:cannot|can not|could not|couldnt|cant) be processed",
    # "my balance is definitely sufficient": enough money said against a payment refused.
    r"(?:balance|funds|baki) (?:is |are )?(?:\w+ )?(?:sufficient|enough|cukup)",
    # "pressed the pay button, then a white popup came up with a red X".
    r"\b(?:pay|payment|card|checkout)\b[^.!?]{0,60}\bred (?:x|cross)\b",
)

# Why a payment failed, asked: "is that because of some limit on my card or what causes
# it", "just want to understand the first failure".
WHY_FAILED = cue(
    r"(?:why|what caused?|reason|understand) (?:\w+ ){0,5}(?:fail\w*|declin\w*|unsuccessful|"
    r"gagal|error)",
    r"(?:fail\w*|declin\w*|gagal) (?:\w+ ){0,6}(?:why|what causes? it|what caused it|reason)",
    r"is (?:that|it|this) because of",
)

# "my tng payment keep tak jadi", "bayaran tak berjaya": "tak jadi" of a payment is one
# that did not go through, not a change of mind.
PAYMENT_NOT_THROUGH = cue(
    r"(?:payment|pay|bayar|bayaran|transaction|transaksi|card|kad)(?: \w+){0,2} "
    r"(?:tak|x|tk|tidak) (?:jadi|lepas|berjaya)",
)
# "paid only one, the other one still in Waiting Payment": the unpaid order is another one.
OTHER_ORDER_UNPAID = cue(
    r"the (?:other|first|second|older|newer) (?:one |order )?(?:is |still |is still )?"
    r"(?:just )?(?:\w+ )?(?:there )?(?:in |at |under |on |as )?"
    r"(?:waiting (?:for )?payment|unpaid|not paid|belum bayar)",
    # A seller's two buyers: "one created an order but hasn't paid, another one already paid".
    r"(?:another|the other) (?:one|buyer|order|customer) (?:has |had )?(?:already )?paid",
    # "two orders, one Waiting Delivery and one Waiting Payment".
    r"one (?:is |in |shows |says |showing )?waiting (?:for )?delivery,? (?:and )?(?:one|the other|"
    r"another)(?: one)? (?:is |in |shows |says |showing )?(?:waiting (?:for )?payment|unpaid)",
    r"one (?:is |in |shows |says |showing )?(?:waiting (?:for )?payment|unpaid),? (?:and )?(?:one|"
    r"the other|another)(?: one)? (?:is |in |shows |says |showing )?waiting (?:for )?delivery",
)
# An order placed twice by mistake: the extra one is to be cancelled.
DUPLICATE_ORDER = cue(
    r"(?:same order|ordered|order(?:ed)? it|placed (?:it|the order|an order)) twice",
    r"(?:double|duplicate|extra) (?:order|ordered|purchase)",
    r"(?:two|2) (?:identical|duplicate|same) orders",
    r"(?:order|beli|pesan) (?:\w+ )?(?:dua kali|2 kali)",
    # Someone already bought the same thing: "my brother already bought one for me".
    r"(?:already|dah) (?:bought|got|beli) (?:one|it|the same(?: one)?)(?: for me| untuk saya)?",
)

# "I want my money back now, not wait 3 days": not the automatic refund, the one asked for.
REFUND_NOW = cue(
    r"(?:dont|do not|not|tak nak|taknak|tak mahu|cannot|cant) (?:want to |wanna )?wait (?:for )?"
    r"(?:\w+ )?(?:\d+|three|tiga|72) ?(?:days?|hari|hours?|jam)",
    r"(?:instead of|rather than) wait\w*",
)

# Paid, and not willing to wait for the seller: "he's balik kampung until next Monday ... I
# really don't want to wait that long" (the order cancelled).
WONT_WAIT_LONG = cue(
    r"(?:dont|do not|tak nak|taknak|tak mahu) (?:really )?(?:want to |wanna )?wait "
    r"(?:that|so|this) long",
)

CANCEL_SAID = cue(r"cancel\w*", r"batal\w*")

# A payment that failed, then went through another way ("card kena declined so I used TNG
# and that went through"): paid, and the failure is only the story's beginning.
PAID_ANOTHER_WAY = cue(
    r"(?:so|then|after that|lepas tu) (?:i )?(?:used|use|tried|paid with|paid using|switched to|"
    r"guna|pakai) (?:\w+ ){1,4}(?:and |which )?(?:it |that |this )?(?:went through|worked|"
    r"succeeded|was successful|berjaya|lepas)",
    # "card kept getting rejected so I just did internet banking transfer".
    r"(?:so|then|instead) i (?:just )?(?:did|made|paid by|paid via|paid with|used) (?:an? )?"
    r"(?:internet banking|online banking|bank|fpx|duitnow|ibanking)(?: transfer)?",
    r"(?:pstu|lepas tu|lps tu|then|so) (?:tukar|tukar guna|guna|pakai|switch to|switched to) "
    r"(?:\w+ ){1,4}(?:baru |terus |and )?(?:jadi|berjaya|lepas|ok|went through|worked)",
)

# The order is told as paid ("the order showed paid", "order page also show paid dy"): a
# payment feared failed ("I thought it failed") was not.
ORDER_SHOWS_PAID = cue(
    r"(?:order|status|page) (?:\w+ ){0,2}(?:showed|shown|became|changed to|turned|"
    r"(?:also|already|now|dah|dh|did|does) (?:show|shows|say|says|is)) (?:as |to )?paid",
    # Waiting Delivery is a paid order's status: "not sure it went through, but it shows
    # Waiting Delivery".
    r"(?:but |and )(?:it |the order |order |status )?(?:shows|showing|says|is|is in|moved to) "
    r"(?:as )?waiting (?:for )?delivery",
    r"(?:show|shows|say|says) (?:as )?paid (?:dy|already|liao|oredi|dah|d)\b",
    r"(?:the |my )?order (?:page )?(?:shows|is showing|says) (?:as )?paid\b",
)

# "Charged it back up", "charged my phone": a battery, not a payment.
NOT_A_BATTERY = (
    r"(?! (?:\w+ ){0,2}(?:back )?up\b)(?! (?:my |the |his |her )?(?:phone|battery|laptop|device))"
)
# The money-taken concept as the spell-corrected text names it ("kena charge" -> "deduct").
DEDUCTED = cue(r"deduct\w*" + NOT_A_BATTERY)

# Paying done, as opposed to paying talked about ("how long do I have to pay").
PAID_CUES = cue(
    # Not "when do I get paid": a seller's payout asked about, not a payment made.
    r"(?<!get )(?<!gets )(?<!getting )paid",
    r"payed",
    # Not "dah cuba bayar" (tried to pay), nor "it just said payment unsuccessful".
    r"(?:after|since) (?:my|the) payment",
    # Nor "he suggested I just transfer him": a way to pay proposed, not taken.
    r"(?<!suggested i )(?<!suggests i )(?<!suggest i )(?<!me to )(?<!should )(?<!could )"
    r"(?:dah|dh|sudah|telah|udah|baru|just) (?:(?!cuba|try|tried|nak|mahu|mau|want|said|says|say)"
    r"\w+ )?(?:bayar\w*|membayar|pay(?:ed|ing)?|transfer\w*)",
    r"pay(?:ed)? (?:already|liao|d|dy|oredi)",
    # "Sent USDT at 18:00": the asker's payment, not a seller's delivery.
    r"(?<!seller )(?<!he )(?<!she )(?<!they )(?:sent|transferred) (?:the )?(?:usdt|crypto|bitcoin|"
    r"btc|eth|ethereum|payment|funds)\b",
    r"pd (?:already|alrdy|alredy|liao|dah|oredi|dy|d)\b",
    r"(?:just|dah|baru|already|alrdy) pd\b",
    r"bayar (?:\w+ ){0,3}(?:dah|sudah)",
    r"success\w* payment",
    r"bayaran (?:saya )?(?:dah |telah |sudah )?berjaya",
    r"(?:payment|pay\w*) (?:(?!not|tak|x|tidak|never|belum|blm|tk)\w+ )?"
    r"(?:success\w*|sucess\w*|succes\w*)",
    r"(?:payment|transaction) (?:has been |was |is )?success\w*",
    r"transfer\w* (?:via|through|thru|using|guna|the money|money|duit)",
    r"done (?:pay|paying|payment)",
    r"(?:made|completed|finished|done) (?:the |my )?payment",
    r"finished paying",
    r"ended up paying",
    r"(?:did|made|done|do) (?:the |a |my )?(?:bank |atm |online )?transfer\b",
    # "Not that I didn't pay, I definitely did."
    r"not that (?:i|we) (?:didnt|did not|never|havent|have not) (?:pay|paid|bayar)",
    # "Bank app says successful".
    r"(?:bank|banking|ewallet|e-wallet|wallet|tng|m2u|maybank2u) app (?:says|said|shows|showed|"
    r"showing) (?:\w+ )?(?:successful|success|completed|berjaya)",
    r"transferred",
    r"(?<!my )(?<!a )(?<!the )(?<!from )bank(?:ed)? ?in",
    r"(?:cash )?deposit(?:ed)?",
    r"payment (?:was |is )?(?:done|successful|success|went through|berjaya)",
    r"money (?:is |was |has )?(?:gone|deducted|taken|left)",
    r"(?:took|taken|holding|hold|held) (?:the |my )?(?:money|payment)",
    r"payment (?:is )?(?:on hold|held|pre ?authori[sz]ed)",
    # Not a phone or a battery charged ("when I charged it back up").
    r"(?:deducted|debited|potong|dipotong)",
    r"charged" + NOT_A_BATTERY,
    r"topped up",
    r"bought",
    r"purchased",
    r"dah beli",
    r"pemindahan",
)

# Buying said, not money taken: "just bought a Slurpee with it" beside a payment that
# failed here is the card working elsewhere, not a payment made here.
BOUGHT = cue(r"bought", r"purchased", r"dah beli", r"topped up")
# Bought somewhere else: no payment on the order asked about ("I'm not going to pay for
# that one anymore, I bought it elsewhere").
BOUGHT_ELSEWHERE = cue(
    r"(?:bought|purchased|paid|got|beli) (?:it|one|them|the same(?: thing| one)?) (?:else ?where|"
    r"some ?where else|from (?:another|a different|other) (?:seller|shop|site|store|place))",
)

# Someone else who bought, just before the word: "my brother already bought one for me".
BOUGHT_BY_OTHERS = re.compile(
    r"\b(?:brother|sister|friend|mom|mum|mother|dad|father|wife|husband|cousin|someone|"
    r"somebody|abang|adik|kakak|kawan|girlfriend|boyfriend|son|daughter|anak|she|he) (?:\w+ )?"
    r"(?:already |had |has |just )?$"
)
THE_SAME_ONE = re.compile(r" (?:one|the same|another one|it already|for (?:him|her|them))\b")

# Not paying, said outright.
UNPAID_CUES = cue(
    r"(?:hadnt|havent|hasnt|didnt|did not|had not|have not|not|belum) (?:yet )?managed to pay",
    # "buat order tapi tak jadi bayar": the order made, the paying never done.
    r"(?:tak|x|tk|tidak) jadi (?:nak )?(?:bayar|pay)",
    r"(?:didnt|did not|never) (?:end up|ended up|go through with|went through with) "
    r"(?:paying|the payment)",
    # "got to the payment page, then got cold feet ... closed the browser".
    r"(?:got|went|came|reached|sampai) (?:to |up to )?(?:the )?(?:payment|checkout|pay) "
    r"(?:page|screen|step)\b.{0,80}?\b(?:closed|close|left|quit|exited|stopped|cold feet|"
    r"backed out|tutup)\b",
    r"(?:didnt|did not|havent|have not|hasnt|not|nt|never|nvr|belum|blm|tak|x|forgot to|forgot|"
    r"lupa|terlupa) "
    r"(?:yet )?"
    r"(?:sempat |sempat nak |get to |got to |manage to |managed to |have time to |had time to )?"
    # "not paying attention" is no payment.
    r"(?:pay|paid|bayar|make (?:the )?payment|made (?:the )?payment)(?!\w* attention)",
    # "how long do I have to pay": the order waits for the payment.
    r"(?:how long|how much time|until when|sampai bila|berapa lama) (?:\w+ ){0,4}"
    r"(?:to|must|should|can|untuk|nak) (?:pay|bayar|make (?:the )?payment)",
    # "how long can I wait before I pay": the payment is still to come.
    r"(?:wait|hold|keep it|tunggu) (?:\w+ ){0,2}(?:before|sebelum) (?:i |we )?"
    r"(?:pay|paying|bayar|make (?:the )?payment)\b",
)

# Paid, yet the order does not show it.
STATUS_UNPAID_CUES = cue(
    r"payment (?:is )?(?:still )?(?:pending|delayed|processing|stuck)",
    r"(?:status|payment|order) (?:is )?(?:still |masih )?(?:not|hasnt|has not|belum|tak|x) "
    r"(?:been )?(?:updated|update|changed|change|reflected|berubah|ubah)",
    r"(?:status|payment) (?:is )?(?:still |masih )?(?:not|hasnt|has not|belum|tak|x) "
    r"(?:been )?confirmed",
    r"(?:still|stil|stl) (?:say|says|show|shows|shw) (?:not|x) (?:pid|pd|payed)\b",
    # "status still wait payment but i paid".
    r"(?:status|order) (?:is )?(?:still|masih) (?:at |in |on )?(?:wait|waiting) (?:for )?payment\b"
    r"[^.?!]{0,20}\b(?:but|tapi|tp|though|yet) (?:i |saya |aku |we )?(?:already |dah |sudah )?"
    r"(?:paid|pay|bayar|transfer\w*)\b",
)

# The order does not show paid: a problem only for someone who paid.
SHOWS_NOT_PAID_CUES = cue(
    r"(?:status|order) (?:is )?(?:still )?(?:not|isnt|hasnt|has not|belum|tak|x) "
    r"(?:showing |marked (?:as )?|shown as )?paid",
    r"(?:still|stil|stl) (?:says|say|shows|show|shw|showing) (?:unpaid|not paid|"
    r"(?:waiting|waitng|wating|waitin) (?:payment|paymnt|pymt|pay))",
    # Not "the order now shows as paid": the status told, paid.
    r"(?<!now )(?<!already )(?<!dah )(?<!did )(?<!does )(?:become|becomes|jadi|turn|turns|"
    r"change to|show|shows) (?:as )?paid",
    r"(?:send|hantar|submit|upload) (?:the |my )?(?:receipt|resit|proof|slip|bukti)",
    r"(?:receipt|resit|proof|slip|bukti) (?:\w+ ){0,2}(?:send|hantar|submit|to who|kat mana|where)",
    # The site still asks for the money: the payment is not on the order.
    r"(?:wants|asks|asking|tells|telling) me to pay",
    r"(?:asks|asking) (?:me )?for (?:the )?payment",
    # Paid, and the order has not moved since.
    r"(?:order|status) (?:\w+ ){0,2}(?:hasnt|has not|didnt|did not|not|never|x|tak|belum) "
    r"(?:moved|changed|updated|update|change|berubah|bergerak)",
)

# What came is not what was paid for ("arrived, it's the standard edition, I paid for
# deluxe"); read only when nothing says it did not come.
MISMATCH = cue(
    # "listing say SEA server but riot show NA".
    r"listing (?:say|says|said|stated|states|shows?|showed) (?:\w+ ){1,3}but\b",
    # Not "got burnt last year on another site where I paid for an account".
    r"(?:arrived|received|got(?! (?:burnt|burned|scammed|cheated|conned|tricked))|sent)\b.{0,60}"
    r"\bi (?:paid|ordered|bought) for",
    # "delivered a RM20 gift card when I paid for the RM50 one": one thing came, another
    # was bought.
    r"(?:delivered|gave|hantar)\b.{0,60}\b(?:when|but|while|whereas|yet|though|although) i "
    r"(?:paid for|ordered|bought) (?:the |a |an )",
    # "he gave me only the basic plan, I bought premium": the goods named by their variant,
    # then, against it, what was bought.
    r"(?:give|gave|gives|given|send|sent|sends|deliver|delivered|bagi|hantar) (?:me |us )?"
    r"(?:only|just|je|sahaja) (?:a |an |the )?(?:\w+ ){0,2}(?:plan|version|edition|tier|package|"
    r"variant|region|pakej)\b.{0,30}\bi (?:buy|bought|ordered|order|paid for|beli|picked|chose)",
    r"(?:give|gave|gives|given|send|sent|sends|deliver|delivered|bagi|hantar) (?:me |us )?"
    r"(?:a |an |the )?(?:\w+ ){0,2}(?:plan|version|edition|tier|package|variant|region|pakej) "
    r"(?:only|je|sahaja|saja)\b.{0,30}\bi (?:buy|bought|ordered|order|paid for|beli|picked|chose)",
    r"(?:give|gave|gives|given|send|sent|sends|deliver|delivered|bagi|hantar) (?:me |us )?"
    r"(?:a |an |the )?(?:\w+ ){0,2}(?:plan|version|edition|tier|package|variant|region|pakej)"
    r"\b.{0,15}\b(?:but|tapi|whereas|while|yet|though) i (?:buy|bought|ordered|order|paid for|"
    r"beli|picked|chose)",
    # "was supposed to be AR55 with Raiden and Nahida, thats what the listing said".
    r"(?:was|is|were|are) supposed to (?:be|have|come with)\b.{0,60}\b(?:listing|description|"
    r"ad|advert|iklan)\b",
    # "I'm sure it said Raiden C2 was included ... The login works but there's no Raiden".
    r"(?:listing|description|ad|advert|it) (?:said|says|stated|states|showed|mentioned) "
    r"(?:\w+ ){0,8}(?:included|comes with|came with)\b.{0,80}\b(?:but|tapi)\b.{0,40}"
    r"\b(?:no|not|missing|without|takde|tiada)\b",
    # "the key is valid for three months, whereas the listing states twelve".
    r"(?:whereas|but|while|though|although|however) (?:the |its |his |her )?(?:listing|description|"
    r"product page|ad|advert|advertisement|iklan|title)\b.{0,20}?\b(?:says|said|states|stated|"
    r"shows|showed|promised|promises|mentions|mentioned|clearly|tulis|cakap)",
)

NOT_THE_GOODS_WRONG = cue(
    r"(?:something|anything|what|whats|is it|apa) (?:is |could be |might be |can be |would be |"
    r"went |has gone |is going )?wrong",
    # Feared or supposed: "if anything goes wrong the system refunds me".
    r"(?:if|in case|kalau) (?:\w+ )?(?:goes|go|went) wrong",
    # Another way to pay or to act: "what I can try instead", "use a card instead".
    r"(?:try|use|pay with|pay by|pay using|choose|guna) (?:\w+ ){0,3}instead",
    r"different (?:statuses|status|labels|orders?)",
    # "My question is different": the question, not the goods.
    r"(?:question|case|problem|issue|situation|query) is (?:\w+ )?different",
    # Things counted, not goods unlike the order: "three orders for three different customers".
    r"(?:\d+|two|three|four|five|six|several|many|few) different",
    # The buyer's own slip, feared: "maybe I spelt it wrong", "mungkin saya bagi emel salah".
    r"(?:maybe|mungkin|perhaps|probably|might have|may have) (?:i|saya|aku|we) (?:\w+ ){0,3}"
    r"(?:wrong|wrongly|salah|silap)",
    # The account's details: "I put the wrong phone number in my profile".
    r"wrong (?:\w+ )?(?:number|email|e-mail|phone|name) (?:in|on|for) (?:my |the )?(?:profile|"
    r"account)",
    # A price changed is no goods unlike the order: "the product page has a different price".
    r"different (?:price|prices|harga|amounts|sellers|shops)",
    r"costs? different",
    # A clock, not goods: "in Tokyo, the time difference is only 1 hour".
    r"time (?:difference|zone)",
    # Another shop, not other goods: "Kedai lain terus dapat kod lepas bayar".
    r"(?:kedai|penjual|seller|shop|tempat) lain",
    # Where money should go: "want it in my bank acc instead".
    r"(?:in|into|to) my (?:bank|bank acc|bank account|account|wallet) instead",
    # Whose account an order is on: "placed on his Kaleoz account instead of mine".
    r"instead of (?:mine|my own|me|ours)\b",
    r"(?:price|harga) (?:is |was |has |now )?(?:\w+ )?(?:different|changed|berubah|lain)",
    # A time instead of another: "send the code next Monday instead of now".
    r"instead of (?:now|today|tomorrow|later|right now|immediately)",
    # "scared to press the wrong button".
    r"(?:press|click|tap|do|choose|pick|make|tekan) (?:\w+ )?(?:the |a )?wrong (?:button|thing|"
    r"option|choice|move|step)",
    # "sorry if this is the wrong place to write": where the asker writes, not the goods.
    # Nor a phone's: "a different number now" (not "the wrong number of diamonds").
    r"wrong (?:place|channel|chat|group|person|department)\b",
    r"wrong number\b(?! of)",
)

# The order's status named as a fact ("still under Waiting Delivery").
WAITING_DELIVERY_CUES = cue(r"waiting (?:for )?delivery", r"menunggu penghantaran")

WRONG_CUES = cue(
    r"rather than",
    # "Seller hantar Celcom PIN but I beli Digi": one thing sent, another bought.
    r"(?:sent|send|hantar|gave|bagi) (?:\w+ ){1,3}(?:but|tapi|tp) (?:i |saya |aku )?"
    r"(?:beli|bought|ordered|order|pesan) (?:\w+ )?(?!rm ?\d|\$\d|\d)\w+",
    # "profil kongsi je, bukan akaun penuh macam yang ditulis dalam iklan".
    r"bukan (?:\w+ ){0,3}(?:macam|seperti) (?:yang )?(?:ditulis|tertulis|dalam iklan|dalam listing|"
    r"diiklankan|diiklan)",
    r"(?:tak|tidak|x) sama (?:macam|dengan|seperti) (?:\w+ )?(?:iklan|listing)",
    # "PIN tu dah pernah digunakan": used before.
    r"(?:dah|sudah|telah) pernah (?:digunakan|diguna|guna|dipakai|redeem)",
    # "it turned out to be the basic plan", not "turns out my brother bought it himself".
    r"(?<!if it )(?<!if )turn(?:s|ed)? out (?:to be|it(?:s| is| was)|that it|they (?:are|were))",
    # Not a time instead of another: "send the code next Monday instead of now".
    # Nor a wait or a way instead of another: "get my money back instead of waiting", "in my
    # balance instead of going back to my bank".
    # Nor whose account: "placed on his Kaleoz account instead of mine".
    r"instead of(?! (?:now|today|tomorrow|later|right now|immediately|wait|tunggu|\w+ing|mine|"
    r"my own|me|ours)\b)",
    r"not what (?:he|she|i|they|we) (?:ordered|paid for|bought)",
    # "it says it's for Indonesia region, and the listing clearly said MY server".
    r"\bfor (?:\w+ )?region\b[^.?!]{0,60}\b(?:listing|listed)\b",
    r"\b(?:listing|listed)\b[^.?!]{0,60}\bfor (?:\w+ )?region\b",
    # A code for another region than the one sold: "isn't available in my region".
    r"(?:not|isnt|is not|cannot be|cant be) (?:available|valid|usable|redeemable|redeemed|used) "
    r"(?:in|for) (?:my|your|this|our) (?:region|country)",
    r"(?:region|country) ?(?:locked|lock|restricted)",
    r"(?:wrong|different|another) region",
    # "when I redeem it says the code is for Indonesia region".
    r"(?:says|said|shows|showed) (?:the |this |my )?(?:code|card|key|voucher|pin|it) is (?:only )?"
    r"(?:for|from) (?:the )?(?:\w+ ){1,2}region",
    # "what I got is a one-month individual plan, and the listing clearly said family".
    r"(?:what|the one|the thing) (?:i|we|he|she) (?:got|received) (?:is|was) [^.!?]{0,50}"
    r"(?:and|but|while|whereas) (?:the )?(?:listing|description|ad|title) (?:\w+ )?(?:said|says|"
    r"stated|showed|shows)",
    # "the rank is Epic, not Mythic like the listing said".
    r"(?:is|was|are|were) \w+,? not \w+ (?:like|as) (?:the )?(?:listing|description|ad|title|"
    r"seller) (?:said|says|stated|promised|showed)",
    # "what he got was 60 Genesis Crystals, not the Welkin pass".
    r"(?:got|received|sent|gave|delivered|came)\b[^.!?]{0,50}, not (?:the|my|his|her) \w+",
    # "the individual plan, not the family plan I ordered" (but not "not received the
    # item I ordered").
    r"not (?!(?:yet|received|receive|get|got|arrived|sent|delivered|deliver|see|seen|find|found)\b)"
    r"(?:the |a |an )?(?:\w+ ){0,3}(?:i|that i|which i) (?:picked|chose|selected|ordered|bought|"
    r"paid for)",
    # The goods taken away after delivery: kicked out, taken back, revoked.
    r"(?:kicked|kick) (?:me )?out",
    r"kena kick",
    r"(?:got |was |been )?(?:taken back|revoked|reclaimed|recovered by)",
    r"(?:was|has been|got) used before",
    r"only (?:activates|works (?:for|on)|gives|unlocks) (?:the )?(?:\w+ ){0,2}(?:edition|version|"
    r"plan|tier)",
    r"(?:says|said|claims|insists) (?:its|it is) the same (?:thing|one|item)",
    r"(?:has|have|had|was|were|is) (?:already )?been (?:redeemed|used|claimed)",
    r"(?:was|were|is|are) already (?:redeemed|used|claimed)",
    r"(?:says|said|saying|shows|showing|error|message)\W+(?:\w+ ){0,2}(?:already )?(?:been )?"
    r"(?:redeemed|used|claimed)",
    r"already (?:been )?(?:redeemed|used|claimed) (?:by|on|in) (?:someone|somebody|another|other|a "
    r"different)",
)

# Goods that cannot be used: a login refused, a code that does not work. Wrong goods
# unless the seller marked them delivered: then what came is nothing usable, which the
# marked-delivered article answers.
UNUSABLE_CUES = cue(
    r"(?:account|akaun|code|kod|key|voucher|login|password|item|product|card|credentials?|"
    r"pin) (?:\w+ ){0,3}"
    r"(?:cannot|cant|can not|does not|doesnt|did not|didnt|dont|do not|not|tak|tak boleh|"
    r"x boleh|xboleh|never) (?:login|log in|work|worked|be used|use|redeem|boleh guna|"
    r"dapat guna)",
    r"(?:wrong|incorrect|invalid|salah) (?:username|password|login|credentials?|pin)",
    r"(?:username|password|credentials?|login details?) (?:\w+ ){0,3}(?:wrong|incorrect|invalid|"
    r"salah)",
)

# Counts ("2 of 3", "RM20 out of RM50"): part of the goods only when the message speaks of
# buying ("what's 15% of 240" is arithmetic).
# Orders counted: "Got 3 orders ... one of them I already clicked confirmed", "got 1 order,
# the other never came": "one of them" and "the other" are orders, not part of the goods.
ORDERS_COUNTED = cue(
    # "I can't deliver some of my orders": orders, not part of the goods.
    r"some of (?:my|the|our|his|her) (?:paid |unpaid |pending )?orders",
    r"(?:\d+|two|three|four|five|six|several|many|few|both|multiple|dua|tiga) (?:\w+ )?orders",
    r"(?:got|received|paid|came|have) (?:1|one) order\b",
)

# Orders already there: "do buyers who already ordered have to pay the new price?"
ORDERS_PLACED = cue(
    r"(?:already|have|has|had) (?:ordered|placed (?:an? |the |their |his |her )?orders?)",
    r"(?:existing|open|pending) orders?",
)

COUNT_PARTIAL = cue(
    # Not orders counted: "one of my two paid orders".
    r"(?:\d+|one|two|three|four|five|half) (?:of|out of|daripada|dari) (?:the |my |his |her )?"
    r"(?:\d+|two|three|four|five|six|ten)(?! (?:\w+ )?orders?\b)",
    r"\d+ (?:\w+ ){0,2}(?:out of|daripada|from) \d+",
)

# A unit of time after a number: "10 minutes", "72 hours", "3 hari" count time, not goods.
# With the usual slips: "3 dya", "2 dys".
_TIME_UNIT = (
    r"(?:mins?|minutes?|minit|hours?|hrs?|h|days?|dya|dys|hari|jam|secs?|seconds?|weeks?|minggu)"
)

# After what came, no time: "his came in 10 minutes. I ordered 6480 crystals" tells how fast,
# not how many (a "7 day pass instead of 30 days" is the goods, and keeps its days).
_NOT_TIME = rf"(?! ?{_TIME_UNIT}\b)"

# "sent a RM40 card instead of RM50", "got 30 days rather than 90": an amount delivered in
# place of a larger one bought (the reader compares the two numbers).
INSTEAD_OF = re.compile(
    r"\b(?:sent|send|sends|gave|give|gives|got|received|delivered|deliver|dapat|bagi|hantar|"
    r"topped up|top up)\b[^.?!]{0,30}?"
    r"\b(?:rm ?|\$)?(?P<came>\d+(?:\.\d+)?)\b(?: \w+){0,3}?,? "
    r"(?:instead of|rather than|bukan) "
    r"(?:the |a |an )?(?:rm ?|\$)?(?P<ordered>\d+(?:\.\d+)?)\b"
)

# "all correct, no missing": nothing is missing, whatever the words "missing" or "half
# hour" would otherwise say.
NOTHING_MISSING = cue(
    r"(?:no|nothing|none|tiada|takde|tak ada) (?:\w+ )?missing",
    r"(?:all|everything|everythings|semua|amount|value|balance|nilai) (?:\w+ )?(?:correct|betul|"
    r"cukup|lengkap)",
    r"correct amount",
)

# "sent RM30 but I ordered RM50", "hantar RM30 tapi saya order RM50": less than bought.
LESS_THAN_ORDERED = re.compile(
    r"\b(?:sent|send|sends|gave|give|gives|got|received|delivered|deliver|dapat|bagi|hantar|"
    r"topped up|top up)\b[^.?!]{0,30}?"
    r"\b(?:rm ?|\$)?(?P<came>\d+(?:\.\d+)?)\b(?: \w+){0,3}?,? "
    r"(?:but|tapi|tp|whereas|padahal|"
    r"sedangkan) (?:(?:the (?:listing|one|item|product|code)s?(?: that)? )?(?:i |saya |aku |we )?"
    r"(?:order|ordered|beli|bought|paid for|bayar|purchased|pesan)|the (?:listing|description|ad|"
    r"title) (?:\w+ )?(?:say|says|said|stated|shows?|tulis))(?: \w+){0,4}? (?:rm ?|\$)?"
    r"(?P<ordered>\d+(?:\.\d+)?)\b"
)

# What was ordered, told in the next clause after what came.
_THEN_ORDERED = (
    r"[.,]? (?:but |tapi |tp |padahal |sedangkan )?(?:i|saya|aku|we) (?:order|ordered|beli|"
    r"bought|paid for|purchased)(?: \w+){0,3}? (?P<ordered>\d+(?:\.\d+)?)\b"
)
# "diamond masuk 500 je, i order 1000".
CAME_THEN_ORDERED = re.compile(
    r"\b(?:masuk|sampai|dapat|got|received|came in|arrived)\b (?:only |just |cuma |hanya )?"
    r"(?P<came>\d+(?:\.\d+)?)\b" + _NOT_TIME + r"(?: \w+){0,2}?" + _THEN_ORDERED
)
# "only 300 UC came, I ordered 600".
ONLY_CAME_THEN_ORDERED = re.compile(
    r"\b(?:only |just |cuma |hanya )(?P<came>\d+(?:\.\d+)?) (?:\w+ )?"
    r"(?:masuk|sampai|came|came in|arrived|landed|got in)" + _THEN_ORDERED
)

# "the listing clearly said 1800 UC for RM 89. What arrived? 600 UC": the amount listed,
# then the smaller one that came.
LISTED_THEN_CAME = re.compile(
    r"\b(?:said|says|stated|states|listed|advertised|promised|tulis)\b (?:\w+ ){0,2}"
    r"(?P<ordered>\d+)\b[^.!?]{0,40}[.!?]? (?:\w+ ){0,3}(?:arrived|came|got|received|sent|masuk|"
    r"sampai)\b\W{1,3}(?:only |just |je )?(?P<came>\d+)\b"
)

# "beli kod RM30, hok sampai kod RM10 je", "bought RM50, got RM20": the amount bought told
# first, the smaller one that came after.
LESS_THAN_BOUGHT_AFTER = re.compile(
    r"\b(?:beli|bought|ordered|order|bayar|paid for|purchased)\b[^.?!]{0,30}?"
    r"\b(?:rm ?|\$)(?P<ordered>\d+(?:\.\d+)?)\b[^.?!]{0,30}?"
    r"\b(?:sampai|dapat|got|received|sent|hantar|masuk|came|arrived)\b[^.?!]{0,20}?"
    r"\b(?:rm ?|\$)(?P<came>\d+(?:\.\d+)?)\b"
)

# Not a time of day or a share: "ordered 100 at 3 pm", "a 20% discount code".
_NOT_COUNT = rf"(?! ?(?:{_TIME_UNIT}|am|pm|%)\b)(?!%)"

# "I paid for 1000 Valorant points. The person selling gave me a code for 475 points only":
# the amount bought, then the smaller one given, in the next sentence or the same. Both
# counted in the same thing (the reader compares the words after the numbers): "bought 2
# accounts, he sent 1 login" counts two things.
BOUGHT_THEN_GIVEN = re.compile(
    r"\b(?:bought|ordered|paid for|purchased|beli)\b (?:\w+ ){0,2}?(?:rm ?|\$|usd ?)?"
    r"(?P<ordered>\d+(?:\.\d+)?)\b" + _NOT_COUNT + r"(?P<ordered_unit>(?: [\w-]+){0,2})"
    r"[^?!]{0,60}?\b(?:gave|give|gives|sent|send|sends|delivered|hantar|bagi)\b "
    r"(?:me |us |him |her )?(?:\w+ ){0,4}?(?:rm ?|\$|usd ?)?(?P<came>\d+(?:\.\d+)?)\b"
    + _NOT_COUNT
    + r"(?P<came_unit>(?: [\w-]+){0,2})"
)
# "I paid for 5,000 V-Bucks. 2,000 landed in my account".
BOUGHT_THEN_LANDED = re.compile(
    r"\b(?:bought|ordered|paid for|purchased|beli)\b (?:\w+ ){0,2}?(?:rm ?|\$|usd ?)?"
    r"(?P<ordered>\d+(?:\.\d+)?)\b" + _NOT_COUNT + r"[^?!]{0,40}?[.,;] (?:but |tapi )?"
    r"(?:only |just |cuma )?(?P<came>\d+(?:\.\d+)?)\b" + _NOT_COUNT + r"(?: [\w-]+){0,2} "
    r"(?:landed|came|arrived|masuk|sampai|went in|got in|reached|credited|showed up)\b"
)

# "I ordered a USD 50 Steam Wallet code ... and what lands in my chat? A USD 20 code": the
# amount bought, then what came, asked and told, in the same currency.
BOUGHT_THEN_WHAT_CAME = re.compile(
    r"\b(?:bought|ordered|paid for|purchased|beli)\b (?:\w+ ){0,2}?(?P<ordered_cur>rm|usd|sgd|\$) ?"
    r"(?P<ordered>\d+(?:\.\d+)?)\b[^!]{0,80}?\bwhat (?:\w+ ){0,2}(?:lands|landed|arrived|arrives|"
    r"came|comes|shows up|showed up|appears|appeared|did i get|i got)\b[^.!]{0,30}?\W{1,4}"
    r"(?:a |an |only |just )?(?P<came_cur>rm|usd|sgd|\$) ?(?P<came>\d+(?:\.\d+)?)\b"
)

# An amount that came told beside the larger one ordered or listed, either way round: each
# pattern names the two numbers "came" and "ordered".
CAME_AND_ORDERED = (
    INSTEAD_OF,
    LESS_THAN_ORDERED,
    CAME_THEN_ORDERED,
    ONLY_CAME_THEN_ORDERED,
    LISTED_THEN_CAME,
    LESS_THAN_BOUGHT_AFTER,
    BOUGHT_THEN_GIVEN,
    BOUGHT_THEN_LANDED,
    BOUGHT_THEN_WHAT_CAME,
)

# "my account got 0 UC": none of the goods came, not part of them.
ZERO_RECEIVED = cue(
    r"(?:got|get|received|receive|dapat|masuk) (?:only )?(?:0|zero)",
    # "Penjual kata dah hantar 60 UC tapi akaun saya tak terima apa-apa pun": none of it.
    r"(?:tak|tidak|x|belum|not|never|didnt|havent|hasnt) (?:\w+ )?(?:terima|dapat|receive|received|"
    r"get|got) (?:apa-apa|apa apa|anything at all|a thing)",
)

PARTIAL_CUES = cue(
    # The whole number: "only have 72 hours" is not "only have 7".
    r"only (?:\w+ ){0,4}\d+(?![\d.]| ?" + _TIME_UNIT + ")",
    r"only (?:\d+|half|some|part|one|two|three)(?! ?(?:" + _TIME_UNIT + r")\b)",
    # Thousands and millions: "only about 500k came in, not 1.5M".
    r"only (?:about |around |like |maybe )?\d+(?:\.\d+)?(?:k|m|mil)",
    # Dictated amounts: "supposed to be five hundred, I only got like two hundred".
    r"(?:only|just) (?:got|received|dapat|get) (?:like |about |around |maybe )?(?:one|two|three|"
    r"four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|hundred|half)",
    r"(?:did|sent|send|sends|delivered|deliver|gave|give|gives|got|received) "
    r"(?:\d+(?! ?(?:" + _TIME_UNIT + r"|messages?|msgs?|times?|"
    # Not Manglish "got some auto cancel one" (there is an automatic cancel).
    r"orders?|reminders?|emails?|texts?|chats?|contact))|half|"
    r"some(?! (?:auto|kind|sort|issue|problem|rule|policy|system|thing|news|reply|response))|part)"
    r"(?: of| out of)?",
    # An amount of money out of another: "RM20 back out of RM50".
    r"(?:rm ?|\$)\d+ (?:\w+ ){0,2}(?:out of|daripada|from) (?:the |my |his |her )?(?:rm ?|\$)?\d+",
    r"(?:rm ?|\$)\d+ of (?:his |her |their |my |your |the )?(?:rm ?|\$)\d+",
    # The money for what was not done: "give back the money for the 2 sessions we didn't do".
    r"(?:give|gives|gave|refund|return|pay)\w* (?:back )?(?:the )?(?:money|duit|amount) for "
    r"(?:the )?(?:\d+|one|two|three|four|five|remaining|rest|missing|undone|unused)\b",
    # Giving back some of the money, not all of it.
    r"(?:return|refund|give back|pay back|pulangkan|bagi balik)\w* (?:back )?"
    r"(?:some|part|a portion|a bit|sikit|sebahagian) (?:of )?(?:the |my |his |her )?"
    r"(?:money|duit|payment|amount)",
    r"missing (?:items?|ones|parts?|\d+)",
    # Too many bought, some of it to go back: "bought too many, refund the extra only?"
    r"(?:bought|ordered|beli|order) (?:too|2|to) many",
    r"refund (?:only )?(?:the )?(?:extra|excess|surplus)",
    r"(?:is|are|was|were) missing (?:the |some |a |an |\d+)",
    r"the (?:other|remaining|rest)(?! (?:\w+ )?(?:orders?|users?|people|buyers?|sellers?|"
    r"customers?|members?|person|websites?|sites?|platforms?|apps?|shops?|stores?|marketplaces?|"
    r"day|days|time|week|night|side|way|status|statuses|buttons?|options?|says?|said)\b)",
    # Not "baki sama je macam semalam": the game's balance, unchanged.
    r"(?:separuh|sebahagian|sikit je|baki(?! (?:sama|masih|dalam|akaun|account|game|uc|diamond|"
    r"kaleoz|wallet|saya ada)))",
    # Nor a time: "now it's half three in the afternoon", "half past nine".
    r"(?<!and a )half(?! (?:an )?(?:hour|hr|jam|day|hari|way|past)\b)"
    r"(?! (?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b)",
)

# Less of a quality, not fewer goods: "way less cluttered than last year".
LESS_OF_A_QUALITY = cue(
    r"less \w+(?:ed|ful|ive|ous|able|ible|ing)",
    # A price, not the goods: "found the same card for way less".
    r"(?:for|at|costs?|priced) (?:way |much |a lot |a bit |slightly )?less\b",
)

# Time left, not goods short: "I only have 72 hours to dispute".
ONLY_TIME_LEFT = cue(
    r"only (?:have|has|got|ada) (?:\w+ )?(?:\d+|one|two|three|a few|few|a|an|satu|dua|tiga) ?"
    + _TIME_UNIT
)

# A day ahead, not a wait: "I'll only get there on Saturday", "will redeem it on Sunday",
# "before the meeting on Monday".
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
DAY_AHEAD = cue(
    r"(?:ill|will|going to|gonna|can only|only get) (?:\w+ ){0,6}on " + _WEEKDAY,
    r"(?:before|by|until|till) (?:the )?(?:\w+ ){0,3}on " + _WEEKDAY,
    r"(?:next|this coming) " + _WEEKDAY,
)

# Away a long time, not waiting: "lama sangat tak beli sampai lupa caranya".
ABSENT_LONG = cue(
    r"(?:lama|long time|so long|months?) (?:\w+ ){0,2}(?:tak|x|tidak|not|never|havent|didnt) "
    r"(?:beli|guna|buka|masuk|login|main|used?|bought|buy|log(?:ged)? in)",
)

LATE_CUES = cue(
    r"(?<!how )(?:\d+|two|three|four|five|six|several|few|many|a couple of) ?"
    r"(?:days|day|dyas|dys|hours|hour|hrs|hr|h|weeks|hari|jam|minggu)"
    r"(?: ago| already| dah| lepas)?",
    r"almost a day",
    r"since (?:yesterday|last week|morning|this morning)",
    # "sat in Waiting Delivery since 9pm yesterday".
    r"since (?:\d{1,2}(?:[:.]\d\d)? ?(?:am|pm)?|noon|midnight) (?:yesterday|last night|semalam)",
    r"(?:since|on|paid|last|ordered|bought|bayar|beli|order|tempah|sejak)(?: on| pada)?(?: hari)? "
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"isnin|selasa|rabu|khamis|jumaat|sabtu|ahad)",
    # The wait counted in days: "hari ketiga", "hari ke-4", "the third day".
    r"hari ke-? ?(?:dua|tiga|empat|lima|enam|tujuh|\d+)\b",
    r"hari ke(?:dua|tiga|empat|lima|enam|tujuh)\b",
    r"(?:second|third|fourth|fifth|sixth|seventh|\d+(?:nd|rd|th)) day",
    r"a (?:day|week) (?:ago|already|now)",
    r"(?:semalam|kelmarin|minggu lepas|dah lama|so long|too long|forever)",
)

# Money that has not come back or in, as opposed to too little money to pay ("no money").
NO_MONEY_BACK = cue(
    r"no (?:money|duit|balance) (?:\w+ ){0,2}(?:came|come|coming|back|returned|refunded|received|"
    r"arrived|masuk|balik|yet)"
)

# Paid within the last hour or two ("paid 20 mins ago", "baru bayar tadi"): inside the
# payment provider's usual delay, which one article answers (wait, then support).
PAID_RECENTLY = cue(
    r"\b(?:[1-9]|[1-9]\d|1[0-1]\d) ?(?:mins?|minutes?|minit)\b",
    r"(?:a few|few|couple of|two|three|five|ten|fifteen|twenty|thirty|forty|sepuluh|lima) "
    r"(?:mins?|minutes?|minit)",
    r"(?:half an?|an|one|1|a|1\.5|two|2) ?(?:hours?|hrs?|hr|jam)\b",
    r"(?:just|baru(?: je| sahaja| saja)?) (?:\w+ )?(?:paid|pay|bayar|made (?:the )?payment)",
    # Not "still showed waiting payment and then just now it changed": the status's change.
    r"(?<!waiting )(?:paid|bayar|payment) (?:\w+ ){0,2}"
    r"(?:just now|tadi|a moment ago|earlier today)",
)

# A payment the buyer can prove outside the site: a transfer at a bank, an ATM or a CDM,
# a receipt or slip in hand; or money taken from the account. That article says: keep
# the proof and contact support.
PAID_OFFLINE = cue(
    r"bank ?transfer\w*",
    r"transfer\w* (?:\w+ ){0,3}(?:via|through|thru|using|guna|at|kat|from) (?:the |a )?"
    r"(?:\w+ )?(?:atm|cdm|bank|counter|maybank2u|m2u|cimb|clicks)",
    r"\b(?:atm|cdm)\b",
    r"(?<!my )(?<!a )(?<!the )(?<!from )bank(?:ed)? ?in",
    r"(?:receipt|resit|slip|bukti)",
)
# Money the bank holds for a payment: "my bank app shows RM60 pending on hold". Held is
# taken, as far as the buyer can see.
BANK_HOLDS = cue(
    # "my bank app now shows a pending RM100 'authorisation hold'".
    r"(?:bank|card|statement)(?: \w+){0,3} (?:shows?|showing|says|has) (?:\w+ ){0,4}"
    r"(?:on hold|held|hold|deducted|debited|charged)",
    r"(?:pending|on hold|held) (?:on|in|by) (?:my |the |our )?(?:bank|card|account)",
)

# "duit dh tolak": the money deducted ("tolak" is also "refuse", as a card is).
MONEY_TOLAK = cue(
    r"(?:money|duit|wang|ringgit|baki) (?:\w+ ){0,2}(?:dah |dh |sudah )?(?:tolak|ditolak)"
)

MONEY_TAKEN = cue(
    r"(?:deducted|debited|potong|dipotong|ditolak)",
    r"(?:money|duit|ringgit|rm ?\d+) (?:\w+ ){0,3}(?:gone|left|taken|keluar|tolak)",
)

# The money told as gone from the asker ("duit dah tolak"), not a payment refused ("ditolak").
MONEY_GONE = cue(
    r"(?:money|duit|ringgit) (?:\w+ ){0,3}(?:gone|taken|keluar|tolak|left (?:my|the) (?:account|"
    r"bank|card|wallet))"
)

WANT_REFUND_CUES = cue(
    r"money back",
    # "get back only the money for the one I didn't get".
    r"(?:get|got|dapat) back (?:only |just |some of |part of )?(?:the |my )?(?:money|duit|payment)",
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
    r"(?:return|give back|pay back|refund)\w* (?:\w+ ){0,3}(?:money|duit|payment)",
    # An amount handed back: "giving back RM15".
    r"(?:give|giving|gave|pay|paying|send|sending) (?:\w+ )?back (?:rm ?|\$)\d+",
)

WANT_CANCEL_CUES = cue(
    # "my brother already bought one, so I don't need this one anymore".
    r"(?:dont|do not|no longer|tak|tidak) (?:\w+ )?need (?:this|that|it|the) (?:one |order |item )?"
    r"(?:anymore|any more|lagi)",
    r"stop (?:my|the|this|that|an|a) (?:\w+ )?order",
    # "I'd rather not go through with it", "prefer not to proceed".
    r"(?:rather|prefer to|prefer) not (?:to )?(?:go ahead|go through with it|proceed|continue)",
    # "I'd rather just cancel it now", "can I pull the plug myself today?".
    r"(?:rather|prefer to) (?:just )?cancel",
    r"pull the plug",
    r"(?:dont|do not) want (?:the|that|this) (?:unpaid|extra|second|other|duplicate) "
    r"(?:one|order)",
    # "my customer says he no longer wants it".
    r"no longer (?:wants?|needs?) (?:it|this|that|the \w+)",
    r"(?:dont|doesnt|do not|does not) (?:want|wants|need|needs) (?:it|this|that|the \w+) "
    r"(?:anymore|any more|lagi)",
    r"call (?:this |the |my |that )?(?:order |deal |purchase |it )?off",
    r"withdraw from (?:a |the |my |this )?(?:purchase|order)",
    r"(?:want|wanna|would like) (?:to )?(?:get |back |pull )?out",
    r"(?:to |wanna |want to )back out",
    r"(?:can|could) (?:i|we) (?:still )?(?:back|pull) out\b",
    # "can i still back out of this", "pull out of the purchase".
    r"(?:back|pull) out of (?:it|this|that|(?:the |this |my )?(?:order|purchase|deal))",
    r"(?:can i|could i|boleh) (?:get |back |pull )?out",
    r"(?:ordered|bought|paid) (?:\w+ ){0,3}twice",
    r"(?:beli|terbeli|order|bayar|tempah) (?:\w+ ){0,3}(?:dua kali|2 kali)",
    r"(?:satu|1) (?:je|jer|sahaja|saja) (?:\w+ )?(?:nak|perlu|mau)",
    r"duplicate order",
    r"double order",
    r"only need one",
    r"tarik diri",
    r"tarik balik (?:pembelian|order|pesanan|belian)",
    r"changed my mind",
    r"dont want(?! to\b)(?: (?:it|this|them))?(?: anymore)?",
    # Manglish for not wanting it any more: "dowan already", "dun want liao", "taknak dah".
    r"(?:dowan|dunwan|dun ?want|don ?want|taknak|tanak)(?: (?:it|this|that|the order|lah|le))?"
    r"(?: (?:already|anymore|dah|liao|d|edi))",
    r"do not want(?! to\b)(?: (?:it|this|them))?(?: anymore)?",
    r"no longer (?:want|need|require)",
    r"(?:do not|dont|no) (?:longer )?require (?:it|this|them|the \w+)",
    r"(?:do not|dont|no) need (?:it|this|them|the order) (?:anymore|any more|lagi)",
    # Not "tak nak beli apa-apa": buying nothing, no order to cancel.
    r"tak (?:jadi|nak(?! (?:beli|buy) apa))",
    r"cheaper elsewhere",
    r"found (?:it|the same \w+|one) cheaper",
    r"(?:get rid of|drop) (?:it|this|that|the order|my order)",
    r"(?:remove|delete|clear) (?:it|this|that|the|my) (?:\w+ )?order",
    r"(?:buang|padam) (?:order|pesanan)",
)

# Cancelling wished for in so many words ("I want to cancel"), not "don't want to be stuck".
WISH_TO_CANCEL = cue(r"(?:want|wanna|would like|wish|nak|mahu|mau) (?:to )?(?:cancel|batal)")

# The buyer's own slip ("ordered the wrong denomination", "accidentally bought two",
# "tersalah beli"): the goods are what was ordered, the order is what is wrong. Asked
# about or not, that is a wish to cancel, not goods unlike their description.
BUYER_MISTAKE = cue(
    r"(?:ordered|bought|picked|chose|selected|clicked|paid|purchased|placed) (?:\w+ ){0,3}"
    r"(?:by mistake|by accident|wrongly|mistakenly)",
    r"(?:by mistake|by accident|accidentally|accidently|mistakenly|tersalah|tersilap) "
    r"(?:\w+ ){0,2}(?:ordered|bought|order|beli|paid|purchased|bayar|placed|clicked|tekan)",
    r"(?:i|we) (?:\w+ ){0,4}(?:ordered|bought|picked|chose|selected|clicked|paid for|"
    r"purchased) (?:the |a |an )?wrong",
    r"(?:made|make) a mistake (?:and|when|while) (?:\w+ ){0,2}(?:ordered|ordering|bought|buying|"
    r"paid|paying|picked|chose|selected)",
    r"(?:i|we) (?:\w+ ){0,2}(?:ordered|bought|picked|chose|selected|paid for|purchased) "
    r"(?:\w+ ){1,5}instead of",
    r"(?:salah|silap|tersalah|tersilap) (?:beli|order|pilih|tekan)",
    r"(?:^|[.!?] )(?:ordered|bought|picked|chose|selected|paid for|purchased) (?:the |a |an )?"
    r"wrong",
    # Not "put the wrong phone number in my profile": the account's, not the order's.
    r"(?:entered|typed|put|gave|given|keyed in|filled in) (?:in )?(?:him |her |them |the seller )?"
    r"(?:the |a |my )?wrong (?:\w+ )?"
    r"(?:id|server|email|number|uid|user ?id|player ?id|account|zone|region)"
    r"(?! (?:in|on|for) (?:my |the )?(?:profile|account settings|settings))",
    r"(?:tertekan|terbeli|tersalah tekan)",
    # Bought what one already has: "then remembered my Unifi plan already gives me premium".
    r"(?:remembered|realised|realized|found out|noticed|lupa) (?:that )?(?:\w+ ){0,6}already "
    r"(?:gives?|has|have|had|got|includes?|comes? with)",
    r"(?:press|pressed|click|clicked|tap|tapped) (?:\w+ )?(?:order|buy|beli) (?:the )?wrong",
)

# The price when ordering again after an order expired ("now the price go up RM30, can
# still get the old price"): the expiry article says the new price applies.
PRICE_CHANGE_CUES = cue(
    r"(?:price|harga) (?:\w+ ){0,3}(?:go up|goes up|went up|gone up|naik|up|increase\w*|"
    r"raised|changed|change|higher|lain|berubah)",
    r"(?:old|new|original|previous|lama|baru|asal) (?:price|harga)",
    r"(?:raised|raise|increase\w*|changed|change|naik\w*|jack\w*) (?:\w+ ){0,3}(?:price|harga)",
)

# A cancel done, then the money asked after: "cancelled order, money back to my card when?",
# "i cancel the order already but duit tak masuk". The order shows Refunding; nobody asks to
# cancel it.
CANCELLED_THEN_MONEY = (
    r"(?<!if )(?<!once )(?<!when )(?<!be )(?<!get )(?:cancelled|canceled|cancel (?:the |my )?"
    r"(?:order )?(?:already|dah|oredi|liao|dy))\b(?:\W+\w+){0,8}?\W+(?:money|duit|refund)"
)

# "will the order be cancelled" asks what happens, not to cancel.
PASSIVE_CANCEL = cue(
    CANCELLED_THEN_MONEY,
    # "Bukan ke sistem sepatutnya batal sendiri lepas 72 jam?"
    r"(?:sistem|system) (?:\w+ ){0,3}batal\w*",
    r"batal sendiri",
    r"(?:be|been|get|gets|got|kena|is|auto|system) (?:auto ?)?cancel\w*",
    # "pay before it cancels": what happens, not a wish to cancel.
    r"before (?:it|the order|my order|order) (?:\w+ )?cancel\w*",
    # "I'm scared it will cancel": the order cancelling itself, feared, not wished.
    r"(?:it|the order|my order|order) (?:will|would|might|may|akan) (?:auto ?)?cancel\w*",
    # "Not that I want to cancel la": a cancel denied, not asked for.
    r"not that (?:i|we) (?:\w+ )?(?:want|wanna|nak|mahu) (?:to )?cancel\w*",
    # "Tak, saya tak nak beli apa-apa": buying nothing is no order to cancel.
    r"(?:tak|x|tk) nak beli apa ?apa",
    r"(?:dont|do not) (?:want|wanna) (?:to )?buy anything",
    # "I don't remember cancelling it": a cancel denied, not asked for.
    r"(?:dont|do not|didnt|did not|never|cant|cannot) (?:remember |recall )?cancel\w*",
    # "today the order shows cancelled": a status seen.
    r"(?:shows|showing|says|saying|status) (?:as )?(?:cancelled|canceled|dibatalkan)",
)

WANT_STATUS_CUES = cue(
    # "how to see which order I already bayar and which one belum".
    r"which (?:order|one)s? (?:i |is |are )?(?:already |dah )?(?:paid|bayar|delivered|sampai)\b"
    r"(?: \w+){0,3} (?:which|yang) (?:one|order)s? (?:not|belum|havent|x|tak)",
    # "how to see dia dah stage mana", "which stage is my order at" (not "what step next").
    r"(?:stage|tahap|peringkat) mana",
    # "a buyer keeps asking me how to check where his order is at".
    r"(?:check|see|tell|know|find out) where (?:his|her|my|the|their|your) order (?:is|at)\b",
    r"(?:order|barang|pesanan|item) (?:\w+ )?(?:dah |sudah )?sampai mana",
    r"(?:which|what) stage",
    r"(?:check|see|know|view|tengok|semak|track) (?:the |my )?(?:order )?(?:status|progress)",
    r"where is my order",
    # "what is the status of it now".
    r"(?:what|how) is the status",
    # "see whether he has uploaded anything yet or whether the status has changed".
    r"(?:if|whether) (?:the |his |her |my |their )?(?:order )?status (?:has )?(?:changed|updated|"
    r"moved)",
    r"what (?:that|this|it|the status) means?",
    r"what (?:is|does) (?:the |a |my )?(?:status )?(?:waiting|refunding|expired|deleted|completed)",
    r"(?:whats|what is) (?:the |a )?(?:waiting \w+|refunding|expired|deleted|completed) status",
    r"difference between (?:\w+ )?(?:waiting|status|delivery|confirmation|refunding|expired)",
    r"apa beza",
    r"(?:see|check|know|tengok|semak) (?:if|whether|sama ada) (?:my |the )?order",
    # "see whether it's been delivered", "which of my orders are still waiting".
    r"(?:see|check|know|find out|tell|tengok|semak) (?:if|whether|sama ada) (?:\w+ ){0,3}"
    r"(?:been |was |is |has |dah |sudah )?(?:sent|delivered|shipped|dihantar|sampai)",
    r"(?:see|check|know|find|tell|tengok|semak) which (?:of )?(?:my |the )?orders? (?:are|is)",
    r"(?:see|know|tell|figure out) which (?:ones?|of them) (?:are|is) (?:done|completed|pending|"
    r"delivered|still)",
    r"(?:apa )?maksud (?:status|nya)",
    # "waiting confirmation / refunding / deleted / expired... which one is mine doing what".
    r"which (?:one|order)s? (?:is|are) (?:\w+ )?doing what",
    # "terangkan setiap satu tu maksudnya apa", "tak faham maksud semua perkataan ni".
    r"(?:terangkan|faham) (?:\w+ ){0,4}(?:maksud|makna)",
    r"(?:sampai|di|pada|kat) (?:tahap|peringkat) mana",
    r"(?:dah|dh) (?:hantar|sampai|dihantar) ke (?:belum|blm|tak|x)",
    r"(?:see|check|know|tengok|semak) (?:if |whether )?(?:my |the )?order (?:\w+ ){0,2}"
    r"(?:delivered|sent|sampai|dihantar)(?: already)? or not",
    r"(?:see|know|tell|remember) (?:anymore |any more )?which (?:ones? |of them |orders? )?"
    r"(?:\w+ ){0,3}(?:are|is|were|"
    r"already) (?:still )?(?:done|completed|pending|delivered|sent|waiting)",
    r"(?:not sure|dont know|tak tahu|tak faham) what (?:that|this|it) means?",
    # "I really do not understand the different labels shown".
    r"(?:dont|not|cant|cannot|tak) (?:really )?(?:understand|faham) (?:\w+ ){0,3}"
    r"(?:labels?|statuses|status)",
)

# What something means, asked without naming it ("what do these actually mean", "unsure
# what it indicates"): the status article's need when the message names a status.
MEANING_ASKED = cue(
    # "waiting delivery, waiting confirmation, refunding... all these what meaning one?"
    r"what meaning",
    r"(?:apa|what) (?:\w+ )?maksud",
    r"(?:unsure|not sure|dont know|do not know|tak pasti) what (?:\w+ ){0,2}"
    r"(?:means?|indicates?|stands? for|refers? to)",
    r"what (?:do|does) (?:these|those|they|this|that|it|each)(?: \w+){0,2} (?:\w+ )?"
    r"(?:mean|indicate|stand for)",
)

REFUND_REJECTED_CUES = cue(
    r"(?:reject|rejected|rejects|declined|declines|refused|refuses|tolak|menolak) (?:my |the )?"
    r"refund",
    r"refund (?:request )?(?:was |is |kena )?(?:rejected|declined|refused|ditolak)",
    # "I requested a refund and the seller rejected it".
    r"refund\b[^.?!]{0,40}\b(?:rejected|declined|refused) (?:it|that|the request)",
)

WANT_OUTCOME_CUES = cue(
    r"(?:what|wat|wht) (?:happens|happen|will happen|happened)",
    r"(?:complete|completed|confirm\w*|close|closed|finish) (?:by itself|automatically|sendiri)",
    r"apa (?:akan )?jadi",
    r"where (?:did|does|will) (?:my |the )?(?:money|payment|duit) go",
    # Where the refund goes: "duit tu masuk ke mana nanti?", "refund goes to kaleoz balance?".
    r"(?:masuk|pergi|pi) ke mana",
    r"(?:refund|money|duit|wang) (?:\w+ ){0,2}(?:goes|go back|going|masuk) (?:to|into|ke) "
    r"(?:my |the )?(?:bank|kaleoz|balance|wallet|baki|akaun)",
    r"why do i have to pay more",
    # "would I be charged if I leave it": what happens to the money.
    r"(?:will|would|am|is) (?:i|it|we|my card|my account) (?:be |get |going to be )?"
    r"(?:charged|billed|deducted|debited)",
    # "will it still charge me later": what the order left unpaid does to the money.
    r"will (?:it|they|the order|the system|kaleoz) (?:still |automatically |auto |then )?"
    r"(?:charge|deduct|debit|bill|take money from) (?:me|my)",
)

WANT_DETAILS_CUES = cue(
    # "Pull up the details for order K2W8F5N3".
    r"(?:pull up|show me|give me|send me|check) (?:the )?(?:order )?details (?:for|of|on)",
    # "can't remember if I ever got the code from it": what the order page shows.
    r"(?:cant|cannot|can not|dont|do not) (?:remember|recall) (?:if|whether) (?:i )?(?:ever )?"
    r"(?:got|received|paid|bought)",
    # "can't remember which one had my alt account's UID on it".
    r"(?:cant|cannot|dont|do not) (?:remember|recall) which (?:one|order)",
    # "need the order number and seller name for my bank's dispute form".
    r"(?:need|want|where (?:is|are|can i (?:find|see|get))) (?:the |my )?order (?:number|id|no)\b",
    # "six orders this month and can't tell which one was the Steam Wallet RM50".
    r"(?:cant|cannot|can not|dont know|tak tahu|unable to) (?:tell|figure out|work out|see) "
    r"which (?:one|order)",
    # "he can't find his order ID, he doesn't know where the order page is".
    r"(?:cant|cannot|can not|dont know|doesnt know|do not know|does not know|tak tahu|tak jumpa) "
    r"(?:how to |where to )?(?:find|locate|where|see) (?:is )?(?:his |her |my |the |their )?order "
    r"(?:id|number|page|no)",
    r"where (?:the |his |her |my )?order page is",
    # "I need the gift card code the seller delivered last month".
    r"(?:need|want|find|get|see) (?:back )?the (?:\w+ ){0,2}(?:code|key|pin|login|details) "
    r"(?:that )?(?:the seller|he|she|they) (?:delivered|sent|gave)",
    r"(?:cant|cannot|can not) find where (?:the |my )?(?:actual )?(?:code|key|pin|login|voucher)s? "
    r"(?:is|are) (?:shown|displayed|listed|kept)",
    # "Where to see back what ID I put in the order?"
    r"(?:see|check|find) (?:back )?(?:what|which) (?:\w+ ){0,2}(?:i|we) (?:put|entered|typed|gave|"
    r"keyed in|filled in) (?:in |into |on )?(?:the |my )?order",
    # What the order page shows, asked for: "the payment date and amount for order K77…".
    r"(?:payment|order|purchase) (?:date|time|amount)s? (?:and|&|or) (?:the )?(?:date|time|amount|"
    r"price)",
    r"(?:cannot|cant|can not|unable to|could not|couldnt) (?:locate|find|see) where (?:these|this|"
    r"it|they|that) (?:are|is) (?:displayed|shown|listed)",
    r"(?:which|what) page (?:shows|has|lists|tells)",
    # Where the orders placed so far are listed: "where do I see everything I bought".
    r"(?:where|how) (?:do|can|could) i (?:see|find|view|check|look at) (?:all |everything |"
    r"the (?:things|stuff|items) )?(?:i (?:have |had |ever )?(?:bought|ordered|purchased)|"
    r"(?:all )?my (?:past |previous |old |earlier )?(?:orders|purchases))",
    r"(?:order|purchase|buying) history",
    # "see the exact time I paid and which payment method I used".
    r"(?:see|check|find|know) (?:the )?(?:exact )?(?:time|date|day) (?:i|we) "
    r"(?:paid|ordered|bought)",
    r"which (?:payment )?method (?:i|we) (?:used|paid with|chose|picked)",
    # "He wants to know which codes were sent and when": what the order holds, and its time.
    r"which (?:\w+ ){0,2}(?:were|was) (?:sent|delivered|bought|ordered) and when",
    # Which order was paid how: "figure out which one I paid with TNG and how much it was".
    r"(?:figure out|find out|know|check|see|remember|tell) (?:which|what) (?:one|order|orders) "
    r"(?:i |we )?(?:paid|bought|ordered)",
    r"need (?:to find )?the (?:one|order) (?:where|that|which|with|from) ",
    # What an order was, forgotten: "can't remember from which seller or how much it was".
    r"(?:cant|can not|cannot|dont|do not|doesnt|does not|tak|tidak) (?:\w+ )?(?:remember|recall|"
    r"ingat) (?:from )?(?:which|what|who|how much|berapa|dari mana)",
    # One old order among many: "dig out the one from March".
    r"(?:dig out|dig up|look up|pull up|locate|find|search for) (?:an |the |my |one )?"
    r"(?:old |older |previous |past |earlier )?(?:order|one|purchase)s? "
    r"(?:from|in|i (?:made|placed)|back in) (?:last |early |late )?(?:\w+ )?"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|month|year|week|\d)",
)

WHERE = cue(
    r"where",
    r"how (?:do|can|to) (?:i )?(?:see|find|view|check)",
    r"mana",
    r"(?:which|what) page",
)

WANT_CONFIRM_CUES = cue(
    # "whether I should confirm now or hold off for the 7 days".
    r"whether (?:i |to )?(?:should )?confirm",
    # "Bila masa yang sesuai untuk tekan butang Sahkan Diterima?" (when to press it).
    r"bila (?:\w+ ){0,4}(?:tekan|klik|click|press) (?:butang |button )?(?:sahkan|confirm)",
    # "I must press a button so the seller gets paid. Which one?": the confirmation, by
    # what it does.
    r"(?:press|click|tap|tekan|klik) (?:\w+ ){0,3}(?:so|for) (?:that )?the seller "
    r"(?:gets?|receives?|can get|will get|dapat) (?:his |her |their |the )?"
    r"(?:money|paid|payment|duit)",
    # "green button at the bottom = done? safe to press?", "kalau saya tekan terus duit pergi
    # kat seller ke?": what pressing it does, asked before pressing.
    r"(?:safe|ok|okay|selamat) (?:to |ke )?(?:press|click|tap|tekan|klik)\b"
    r"(?! (?:\w+ )?(?:refund|cancel|batal|pay|bayar))",
    r"(?:kalau|if) (?:saya|i|aku) (?:tekan|press|click|klik|tap) (?:\w+ ){0,3}"
    r"(?:duit|money|payment) (?:\w+ ){0,2}(?:pergi|go|goes|pass|sampai)",
    # "Seller told me to press something on the site after": which button, and when.
    r"(?:told|asked|tells|asks|wants|want) (?:me|us) to (?:press|click|tap|tekan|klik) "
    r"(?:something|a button|some button|the button|sesuatu)",
    # "jangan confirm dulu kan?": not confirming yet, asked.
    r"(?:jangan|jgn|don'?t|do not|dont) (?:\w+ )?confirm\w* (?:dulu|lagi|yet|first)",
    r"(?:should|shud|shld|patut|can|boleh) i (?:\w+ )?(?:the )?confirm\w*",
    r"(?:press|click|tekan|klik) (?:the )?confirm\w* (?:now|yet|dulu|sekarang|or wait)",
    # "tekan confirm ke, atau tunggu dulu": confirm at once, or wait.
    r"(?:press|click|tekan|klik|tap) (?:the )?confirm\w*(?: \w+){0,3}[ ,.]+(?:or|atau) "
    r"(?:\w+ )?(?:wait|tunggu)",
    # Not "the buyer refuses to confirm the order": the buyer's choice, told.
    r"(?<!refuses to )(?<!refused to )(?:close|complete|confirm|finish) (?:the |my |this )?order",
    r"(?:click|press|do|tekan) (?:\w+ ){0,3}(?:to )?(?:finish|complete|close) "
    r"(?:it|the order|this)",
    # Not "what should I do before I press confirm": what to do is asked.
    r"(?:(?<!do )before|should|can|when (?:should|do|can)) i "
    r"(?:confirm|close|complete|press|click)",
    r"(?:is it|its|it is) (?:\w+ )?(?:safe|ok|okay|fine|alright) to (?:confirm|press|click|tekan)",
    r"(?:what happens|what if) (?:\w+ ){0,2}i (?:confirm|press|click)",
    r"(?:better|best|wiser) (?:to )?wait (?:until|till|for)",
    r"(?:should|shud|can|patut|boleh) (?:i )?(?:press|click|tekan|klik|tap) (?:it |confirm )?"
    r"(?:now|already|sekarang|or wait)",
)

# An order status named ("what does waiting delivery mean"), not a chat box or a word.
STATUS_WORDS = cue(
    r"status\w*",
    r"waiting (?:for )?(?:payment|delivery|confirmation)",
    r"refunding",
    r"expired",
    r"deleted",
    r"completed",
)

MONEY_BACK = cue(r"money back", r"my money", r"duit (?:balik|saya)", r"(?:want|nak) (?:a )?refund")

REFUNDING_CUES = cue(
    r"(?:says|shows|show|showing|shown|status(?: is)?|jadi|become|became|changed to|now|in|"
    r"under|stuck (?:at|in|on)) [\"'“]?refunding",
    # The notice's words: "Your refund is being processed", "Bayaran balik sedang diproses".
    r"refund (?:is )?(?:being )?process(?:ed|ing)",
    r"refund processing",
    r"bayaran balik sedang diproses",
    CANCELLED_THEN_MONEY,
)

# Money to pay with that comes later: "my salary only comes in tonight" (how long may an
# unpaid order wait?).
MONEY_LATER = cue(
    r"(?:salary|gaji|paycheck|payday|pay day|allowance|elaun) (?:\w+ ){0,3}(?:comes? in|masuk|"
    r"arrives?|tonight|tomorrow|esok|malam ni|lusa)",
)

WANT_TIME_CUES = cue(
    r"how long",
    r"how many (?:hours?|days?|minutes?|mins?|jam|hari)",
    r"when (?:will|do|does|can|is|should)",
    r"bila",
    r"berapa lama",
)

WANT_NEXT_CUES = cue(
    # Who acts after paying, asked by someone who thinks the marketplace itself delivers:
    # "is kaleoz the one sending my diamonds after i pay?", "Bukan Kaleoz ke yang jual?".
    r"(?:is|does|will|did|isnt) kaleoz (?:the one )?(?:sending|sends?|deliver\w*|selling|sells?)",
    r"kaleoz (?:ke )?yang (?:jual|hantar|kirim)",
    # "which button to press right after they pay".
    r"(?:which|what) (?:button|step) (?:\w+ ){0,2}(?:press|click|tap|tekan|do)\w* "
    r"(?:\w+ ){0,2}after (?:i|they|he|she|you|we|buyers?) (?:pay|paid|bayar)",
    r"what (?:should|do|can|must) i do",
    r"do i (?:have|need) to do",
    r"what (?:now|next|happens now|happens next)",
    # "just finished paying ... not really sure what happens after this".
    r"what happens after (?:this|that|paying|i pay|i paid|payment)",
    r"(?:next step|lepas ni|then how|so now)",
    r"apa (?:yang )?(?:perlu|patut|kena|boleh) (?:saya |aku )?(?:buat|lakukan)",
    r"what (?:would|do|can|could) you (?:recommend|suggest|advise)",
    r"(?:am i|are we) supposed to",
    # "not sure if I'm supposed to message them or wait".
    r"(?:if|whether) (?:im|i am|i was|we are) supposed to",
    r"(?:supposed|meant|advised) to do",
    r"(?:or|should i|do i) just (?:sit and )?wait\b",
    r"(?:what is|whats) the (?:correct|right|proper) (?:thing|way|step)",
    r"what (?:i|to) (?:must|should|need to|have to) do",
    r"do next",
    r"(?:course of action|how (?:to|should i|do i) proceed|way forward|next steps?)",
    r"(?:can|could) i (?:still )?do (?:something|anything)",
    r"(?<!how )(?:do|should|shud|must) i (?:message|chat|contact|pm|text|wait)",
    r"anything (?:else )?i should (?:know|be aware of|do)",
    r"(?:macam mana|mcm mana) (?:sekarang|now)",
    r"(?:kuane|guane|lagu mana|camne) (?:aku|saya|kito|kita|ambo|demo) (?:nok|nak|kena) "
    r"(?:wak|buat|gi)",
    r"now how",
    r"now (?:what|wat|wht)\b",
    r"(?:must|should|need to|have to|kena) do (?:what|wat|wht)\b",
    r"then(?=\s*\?*\s*$)",
)

# "Just paid": asking what comes next, unless the order still shows unpaid (then it tells
# how recent the payment is).
JUST_PAID = cue(
    r"(?:just|baru) (?:finished |completed |done )?(?:paid|paying|pay|bayar|made the payment)"
)

WANT_MONEY_CUES = cue(
    r"(?:payment|money|funds?|duit) (?:\w+ ){0,3}(?:is |be |get |gets )?released",
    r"release (?:of )?(?:the |my )?(?:payment|money|funds?)",
    r"when (?:do|will|can) i (?:get|receive) (?:paid|the money|my money|the payment)",
    r"(?:get|receive) (?:my )?(?:paid|payment|earnings)",
    r"bila (?:duit|bayaran|wang)(?: \w+){0,2} (?:masuk|sampai)",
    # "when is the payment transferred to my account", "when does the money reach me".
    r"when (?:\w+ ){0,3}(?:payment|money|funds?|duit|bayaran|earnings) (?:\w+ ){0,4}"
    r"(?:transferred|credited|reach|reaches|arrive|arrives|come in|comes in|paid out|masuk|sampai)"
    # Not "reach my bank account": the balance taken out, which no article answers.
    r"(?! (?:to |into |in )?(?:my |the )?bank)",
    r"(?:money|funds?|earnings|duit) (?:\w+ ){0,2}(?:stuck|held|on hold|frozen|tersangkut)",
    # "when does the RM95 actually land in my account".
    r"when (?:does|do|will|is) (?:the |my )?(?:rm ?\d+(?:\.\d+)?|\$\d+) (?:\w+ )?(?:land|arrive|"
    r"come|reach|credited|masuk|sampai)",
)

# The goods not looked at yet: "havent logged in to check it yet".
NOT_YET_CHECKED = cue(
    r"(?:havent|have not|hasnt|has not|not yet|belum|blm|didnt|did not) (?:yet )?(?:logged in|"
    r"login|log in|checked|check|tried|try|tested|test|redeemed|redeem|cuba|semak)\w*"
    r"(?: (?:\w+ ){0,3}yet)?",
    # "haven't even been able to log into the game to check".
    r"(?:havent|have not|hasnt|not|belum) (?:even )?(?:been able|managed|had (?:the )?"
    r"(?:time|chance)) to (?:\w+ ){0,5}(?:check|log ?in|login|try|test|semak)",
)

# Whether to press the button just named, asked: "there is a big Confirmed received button.
# My friend said just click it. Should I?" (the confirmation when that button is named).
PRESS_IT_ASKED = cue(
    r"(?:click|press|tap|tekan|klik) (?:it|that|that button|the button)\W+(?:\w+\W+){0,3}"
    r"(?:should i|shall i|do i|patut ke)\b",
    r"should i (?:just )?(?:click|press|tap|tekan|klik) (?:it|that|that button|the button)\b",
    # "not sure if it matters whether I press it or not".
    r"whether (?:i |to )?(?:click|press|tap|tekan|klik) (?:it|that|that button|the button)\b",
    # "is there any risk if I just click it now".
    r"(?:risk|safe|okay|ok) (?:if|to) (?:i )?(?:just )?(?:click|press|tap|tekan|klik) "
    r"(?:it|that|that button|the button)\b",
)

# Where and how to ask for a refund on the site ("request refund button missing", "cannot
# see where to request it"): the manual request's steps and its one-hour wait.
REFUND_WHERE_CUES = cue(
    # "I nak request refund macam mana?", "minta refund sendiri": the steps, asked.
    r"(?:request|minta|mintak|claim|buat|mohon) (?:a |the )?refund (?:\w+ )?(?:macam mana|mcm mana|"
    r"camne|cemana|how)\b",
    r"(?:request|minta|mintak|buat|mohon) refund sendiri",
    # "There's no Cancel button, only Request refund": the way left is the refund.
    r"only (?:a |the )?(?:request refund|refund)(?: button| option)?",
    r"(?:request|refund|claim|return) (?:refund )?(?:button|option|link|butang|tab)",
    # "on Shopee I can just click return, here how?": another shop's return is a refund.
    r"(?:click|press|tekan|klik) (?:\w+ )?return\b",
    r"where (?:do i |can i |to |should i |is the )?(?:request|apply for|submit|file|click|ask for)"
    r" (?:a |the |my |for )?(?:refund|it|one|money back)\b",
    r"refund (?:\w+ ){0,2}(?:missing|not there|not showing|not appearing|greyed|grayed|disabled|"
    r"tak ada|takde|tiada|x ada|hilang|tak keluar)",
    r"(?:cant see|cannot see|can not see|dont see|cant find|cannot find|tak nampak|tak jumpa) "
    r"(?:any |the |a |an )?(?:request )?refund",
    r"(?:cant find|cannot find|dont see|cant see|no) (?:any |a |the )?(?:way|option|button|place) "
    r"to (?:ask|request|apply|claim) (?:for )?(?:a |the |my )?(?:refund|money back|my money)",
    r"how (?:do i |can i |to |should i |do we )?(?:manually )?"
    r"(?:request|apply for|submit|file|raise) (?:a |the |my |for )?refund",
    r"where (?:got|is|to find|can i find|do i find) (?:the )?(?:refund |request )?button",
    # "macam mana nak minta duit balik": how to ask for the money back.
    r"(?:macam mana|mcm mana|camne|bagaimana|cara) (?:nak |untuk |hendak |mahu )?(?:minta|mohon|"
    r"request|buat|claim) (?:duit balik|refund|bayaran balik|wang balik|pemulangan)",
)

# The need to have the bot message the seller: the chat tells the asker how to themselves.
RELAY = "relay"

# Needs no article answers, in the marketplace's own vocabulary.
UNCOVERED_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "report",
        cue(
            r"report(?:ing)? (?:a|the|this|that)? ?(?:fake |scam |scammy |dodgy )?"
            r"(?:seller|buyer|user|scammer|account|listing|shop|store|product)",
            r"(?:ban|block|blacklist) (?:a|the|this|that)? ?(?:seller|buyer|user)",
            r"scamming (?:people|others|everyone)",
            r"report (?:him|her|them|the guy)\b",
            # "What happens if I press the red report flag on a listing?"
            r"report (?:flag|button|icon|link)",
        ),
    ),
    (
        "instalment",
        cue(
            r"install?ments?",
            r"ansuran",
            r"pay (?:in|by) (?:parts|part)",
            r"split (?:the )?payment",
            r"bnpl",
            r"paylater",
            r"pay (?:half|part|some|a bit|sikit|separuh) (?:of it )?(?:now|first|dulu)",
            # Work done in parts is no payment in parts: "he do the rest later" (a booster).
            # Nor a time: "came back an hour and a half later".
            r"(?<!do )(?<!does )(?<!deliver )(?<!send )(?<!finish )(?<!and a )"
            r"(?:the rest|the balance|the remaining|the other half|half) "
            r"(?:later|next (?:week|month)|bulan depan)",
        ),
    ),
    (
        "listing",
        cue(
            # Not "different from my listing": goods unlike it.
            r"(?<!from )(?<!like )(?<!match )(?<!matches )(?<!than )my listings?",
            r"(?:create|post|upload|add|make) (?:a |an |my |new |more |another )?(?:new )?"
            r"(?:product |item )?(?:listings?|products?)",
            # A shop's delivery settings: "set up auto delivery".
            r"(?:set ?up|turn on|enable|configure) (?:\w+ )?(?:auto|automatic|instant) "
            r"(?:delivery|deliveries)",
            r"how many listings",
            r"(?:put|combine|group|merge) (?:\w+ ){0,3}(?:under|into|in) (?:one|a single|the same) "
            r"listing",
            r"(?:my|the) (?:shop|store) (?:settings?|mode|name|page|status|profile)",
            r"listings? (?:in|on|of) my (?:shop|store)",
            r"(?:holiday|vacation|away) mode",
            r"list (?:an|a|my) (?:item|product)",
            r"(?:my|the) (?:product|item) page",
            r"change (?:the )?price of my",
            r"(?:bulk|mass) (?:edit|update|upload|price|pricing|change)\w*",
            r"(?:edit|update|change) (?:\w+ ){0,2}prices? (?:on|of|for|in) (?:\w+ ){0,2}listings?",
        ),
    ),
    (
        "bargain",
        cue(
            r"bargain\w*",
            r"make (?:an |a )?offer",
            r"(?:price|harga) (?:\w+ ){0,4}(?:fixed|tetap)",
            r"negotiat\w* (?:the |a )?price",
            r"nego (?:the |harga)",
            r"haggl\w*",
            r"tawar\w*",
            r"(?:lower|cheaper|better) price",
            r"(?:reduce|kurangkan|turunkan) (?:the )?(?:price|harga)",
            # Offering another amount: "can I pay RM50 instead of RM100".
            r"pay (?:only |just )?(?:rm ?|\$)?\d+ (?:\w+ )?(?:instead of|rather than)",
        ),
    ),
    (
        "edit_order",
        cue(
            r"(?:change|edit|modify|tukar|ubah) (?:the |my )?"
            r"(?:order quantity|quantity|qty|variant)",
            r"(?:add|tambah) (?:an |another |more )?(?:item|items) "
            r"(?:to|into|dalam) (?:my |the )?order",
            r"combine (?:my )?orders",
            # Where the goods go, changed after ordering.
            r"(?:deliver|send|hantar) (?:it |them )?to (?:a |an )?(?:different|another|new|other) "
            r"(?:email|id|account|player id|address)",
            r"(?:change|update|edit|tukar) (?:the |my )?"
            r"(?:delivery email|player id|user id|game id|uid|server) (?:\w+ ){0,3}(?:order|after)",
            r"(?:change|update|edit|tukar|ubah|correct|fix) (?:the |my )?(?:player |user |game )?"
            r"(?:id|uid|server|email) (?:on|in|of|for) (?:the |my |this )?order",
            # When the goods come, chosen by the buyer: "ask the seller to only send the code
            # next Monday".
            r"(?:ask|tell|request|minta|suruh) (?:the )?seller (?:to )?(?:only |just )?"
            r"(?:send|deliver|hantar) (?:\w+ ){0,3}(?:on (?!time)|next|this coming|after|"
            r"later|tomorrow|esok|lusa)\b",
            r"(?:delay|postpone|schedule|hold off) (?:the )?(?:delivery|sending)",
            # Tidying the list: "delete old expired orders so they stop showing".
            r"(?:delete|remove|clear|hide|padam|buang) (?:all )?(?:\w+ ){0,2}(?:old|past|previous|"
            r"expired|completed|cancelled|lama) (?:\w+ )?orders",
        ),
    ),
    (
        "other_service",
        cue(
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
        cue(
            # "boleh keluarkan ke akaun bank": balance taken out to a bank.
            r"keluarkan (?:\w+ ){0,2}(?:ke|to) (?:akaun|bank)",
            r"withdraw\w* (?:my |the |all )?(?:wallet |kaleoz |seller |account |sales |sale )?"
            r"(?:money|balance|funds?|earnings|cash|duit|baki)",
            r"withdrawal",
            r"withdrawable",
            # Money moved out to the seller's or buyer's own bank: "transferred to my bank".
            r"(?:to|into|ke) my bank (?:account|acc|akaun)",
            r"cash ?out",
            # "How do I cash the balance out to my bank?"
            r"cash (?:the |my )?(?:balance|baki|money|credit) out",
            # The balance, then "want it in my bank acc instead".
            r"(?:balance|baki)\b[^?!]{0,80}\bwant (?:it|them|that) (?:in|into|to|back to) my bank",
            r"payout",
            r"pengeluaran",
        ),
    ),
    (
        "hours",
        cue(
            r"what time (?:does|do|is|will) (?:support|cs|customer service|the office|kaleoz)",
            r"(?:support|office|operating|business|working) hours",
            r"(?:open|buka) (?:on )?(?:weekends?|sundays?|saturdays?|public holidays?)",
        ),
    ),
    (
        "outage",
        cue(
            # Not "the order timer is ticking down" (spelled: "the order time is tick down").
            r"(?<!timer )(?<!time )(?<!clock )is (?!tick|count|wind|going)(?:\w+ ){1,2}down",
            r"(?:whatsapp|telegram|facebook|google|gmail) down",
            # The app's notifications: "kchat notification x keluar kat phone".
            r"notifications? (?:\w+ ){0,3}(?:x|tak|not|no|never|doesnt|dont|didnt|cannot|cant) "
            r"(?:keluar|come|coming|appear|show|work|pop|masuk|sampai)",
        ),
    ),
    (
        # Dealing outside the marketplace's chat: "the seller asks me to WhatsApp him".
        "off_platform",
        cue(
            # Not "must I WhatsApp the seller?" after paying: what to do next, asked.
            r"(?<!must i )(?<!do i have to )(?<!should i )(?<!need to )"
            r"whatsapp (?:him|her|them|me|the seller|the buyer|seller|buyer)",
            # The deal moved, not a message that came there ("he asked me on WhatsApp to
            # confirm" asks about confirming).
            r"(?:deal|talk|chat|pay|continue|transact|contact|move|buy|settle) (?:\w+ ){0,2}"
            r"(?:on|via|through|by|thru|guna|pakai) (?:whatsapp|telegram|wechat|instagram|ig dm|"
            r"facebook|messenger)",
            r"(?:instead of|outside|outside of|out of|luar) (?:the )?(?:kchat|chat|platform|kaleoz|"
            r"marketplace|site|app)",
            r"pay (?:him|her|them|the seller|seller) (?:directly|direct|terus)",
            # A seller giving the money back outside the order: "send the money back to her
            # myself from my side".
            r"(?:send|give|pay|transfer|return|refund) (?:the )?(?:money |payment |it )?back "
            r"(?:\w+ ){0,3}(?:myself|from my side|directly)",
        ),
    ),
    (
        # The bot asked to speak to the seller for the asker ("message the seller for me"):
        # the chat is where they talk to each other; no article does it for them.
        RELAY,
        cue(
            r"(?:message|msg|contact|text|tell|chase|remind|call|ping|nudge|push|email) "
            r"(?:the |my |this |that )?seller (?:for me|on my behalf|for us|untuk saya)",
            r"(?:can you|could you|can u|pls|please|tolong|help me) (?:\w+ )?(?:message|msg|"
            r"contact|text|tell|chase|remind|call|ping|nudge|push) (?:the |my |this |that )?"
            r"seller\b",
            r"tolong (?:mesej|bagitahu|bagitau|beritahu|hubungi|contact|whatsapp) (?:kan )?"
            r"(?:seller|penjual)",
        ),
    ),
    (
        # The order list as a file, or prices compared between sellers.
        "records",
        cue(
            # Not a receipt sent "as a PDF": only the list of orders made into a file.
            r"export\w*",
            r"(?:purchase|order|transaction) history (?:\w+ ){0,3}(?:pdf|excel|csv|download\w*|"
            r"print\w*)",
        ),
    ),
    (
        "pricing",
        cue(
            r"(?:why|how come) (?:\w+ ){0,6}(?:cost|costs|priced|price|prices|harga) (?:\w+ )?"
            r"(?:different|differently)",
            r"different (?:prices|amounts|harga) (?:from|between|across|among) (?:different )?"
            r"(?:sellers|shops|stores)",
        ),
    ),
    (
        "other_site",
        cue(
            # A parcel or an order of another shop: "my Shopee parcel from China".
            r"(?:shopee|lazada|taobao|amazon|aliexpress|temu|tiktok shop|zalora) "
            r"(?:parcel|package|delivery|order)s?",
            # "Shopee must refund you if the parcel arrives after their guaranteed date".
            r"(?:shopee|lazada|taobao|amazon|aliexpress|temu|tiktok shop|zalora) (?:\w+ ){1,6}"
            r"(?:parcel|package|courier)s?",
            r"bought (?:it |them |this |that )?(?:elsewhere|outside|from another "
            r"(?:site|shop|store|platform|website|app))",
            r"(?:beli|dibeli) (?:di |kat )?(?:tempat lain|luar)",
            # Food delivery and shops of physical goods, asked about: "my GrabFood order
            # arrived cold, how do I get a refund from Grab?", "return a kettle to Aeon".
            r"(?:my |the )?(?:grabfood|grab food|foodpanda|shopeefood|shopee food|grabmart) "
            r"(?:order|delivery|rider|food)",
            r"(?:refund|return|exchange)\w* (?:\w+ ){0,4}(?:to|at|from) (?:grab|aeon|tesco|lotus|"
            r"lotuss|mydin|giant|ikea|econsave|watsons|guardian|senheng|harvey norman|courts)\b",
        ),
    ),
    (
        "assistant",
        cue(
            r"(?:help me |can you |could you |please )"
            r"(?:write|compose|draft|translate|summari[sz]e)",
            r"(?:birthday|wedding|anniversary|raya) (?:message|wish|wishes|card|poem)",
            # Asked about, not the day a story happened on ("bank in on public holiday").
            r"(?<!on )(?<!over )(?<!during )(?<!due to )(?<!because of )(?<!on the )(?<!over the )"
            r"(?<!during the )public holidays?",
            r"road tax",
            r"(?:car |motor )?insurance",
            r"(?:electricity|water|phone|postpaid|mobile|internet|wifi|unifi|maxis|celcom|digi|"
            r"umobile|astro) bills?",
            r"(?<!pada )(?<!masa )(?<!sebab )(?<!time )cuti umum",
        ),
    ),
    (
        "fees",
        cue(
            r"fees?",
            r"commission",
            r"caj (?:perkhidmatan|tambahan|transaksi|yang dikenakan)",
            r"(?:berapa|berapakah|ada) caj",
            r"(?:extra|additional|hidden) (?:charges?|fees?|cost)",
            r"surcharge",
            r"(?:is|are) (?:\w+ )?charging (?:this|that|me|it|extra)",
            # "what's the cut you take from sellers per sale".
            r"(?:cut|percentage|percent|share) (?:that )?(?:do |does )?(?:you|kaleoz|the site|"
            r"the platform) (?:take|takes|charge|charges|keep|keeps)",
        ),
    ),
    # Using the goods once they came: activating, redeeming, reselling, giving them away.
    (
        "use_goods",
        cue(
            r"how (?:do|can|to|should) (?:i |we )?(?:activate|redeem|use|install|apply|load) "
            r"(?:it|them|this|the \w+|my \w+)(?: (?:on|in|into|at) \w+)?",
            r"(?:resell|sell) (?:the |this |my )?(?:\w+ )?(?:i|that i) (?:bought|got|purchased)",
            r"(?:send|give|gift|transfer) (?:it|them) to (?:my |a )?(?:friend|brother|sister|"
            r"family|someone)",
        ),
    ),
    # What the site keeps or shares about the asker.
    (
        "privacy",
        cue(
            r"privacy",
            r"(?:card|personal|payment|bank) (?:info|information|details|data) "
            r"(?:\w+ ){0,2}(?:stored|saved|kept|safe|shared)",
            r"(?:get|see|know|have) my (?:phone|phone number|number|email|address|ic|identity)",
        ),
    ),
    # How much one may buy, how often.
    (
        "limit",
        cue(
            r"how many (?:orders|items|times|purchases) (?:\w+ )?(?:can|may|could) i",
            r"(?:order|purchase|buying|spending) limits?",
            # "Why won't the quantity box go past 5?"
            r"quantity (?:box|field|limit|cap|maximum|max)",
        ),
    ),
    # Following a shop, favourites, wishlists.
    (
        "follow",
        cue(
            r"follow (?:a |the |this |that )?(?:sellers?|shops?|stores?)",
            r"(?:wishlist|wish list|favourites?|favorites?)",
        ),
    ),
    (
        "account",
        cue(
            r"(?:change|reset|forgot|update|tukar) (?:the |my )?"
            r"(?:password|email|username|phone|number|name)",
            r"delete my account",
            r"(?:switch|change|move|transfer) (?:my |the )?(?:kaleoz )?account to "
            r"(?:my |a |another |new )",
            r"verify my account",
            r"(?:sms |email |e-mail )?verification code",
            r"kyc",
            r"pengesahan (?:identiti|akaun)",
            r"(?:identity|id) verification",
            r"(?:gambar|salinan|foto) (?:ic|kad pengenalan|mykad)",
            # Not the bank's OTP for a payment: that is paying.
            r"(?<!bank )(?<!card )otp"
            r"(?! (?:from|for|by|in|on|into) (?:my |the )?(?:\w+ ){0,2}(?:bank|card|payment|app))",
            r"tac code",
            r"i (?:cannot|cant|can not|am unable to|tak boleh|tak dapat) log ?in",
            r"log ?in (?:problem|issue|error)",
            r"sign ?in",
        ),
    ),
    ("review", cue(r"reviews?", r"ratings?", r"feedback score")),
    # A bank's chargeback done: the money taken back outside the marketplace's refunds.
    (
        "chargeback",
        cue(
            r"(?:did|filed|made|raised|opened|done|initiated) (?:a |the )?charge ?back",
            r"charge ?back (?:with|through|from|via) (?:his|her|their|the|my) (?:bank|card)",
        ),
    ),
    # Investigating or punishing the other side: "check the code history and tell who's
    # lying", "will Kaleoz punish him". ("Who is right" is often what an article rules on.)
    (
        "judge",
        cue(
            # "can your team look into it and prove I delivered?"
            r"prove (?:that )?(?:i|we) (?:delivered|sent|handed|paid|did)",
            r"(?:tell|find out|decide|say) who(?:s| is| was) (?:lying|telling the truth)",
            r"(?:punish|penali[sz]e|ban|blacklist|suspend|sanction)\w* (?:him|her|them|the seller|"
            r"the buyer|this seller|this buyer|that seller|that buyer)",
        ),
    ),
    (
        "compensation",
        cue(
            r"compensat\w*",
            r"(?:any|some|get|earn|pay) interest",
            r"interest (?:on|for) (?:the |my )?(?:delay|refund|money|late)",
            r"extra (?:credit|money|cash|points) (?:for|because)",
            r"pampasan",
            r"ganti ?rugi",
        ),
    ),
    (
        "voucher",
        cue(
            r"promo codes?",
            r"coupons?",
            r"discount codes?",
            r"platform vouchers?",
            # A reward for buying, not goods bought: "the RM2 cashback voucher".
            r"cash ?back (?:vouchers?|rewards?|credits?|points?)",
            r"rebates?",
        ),
    ),
    # A reward for bringing a friend: "signed up with my link, I never got my RM5".
    (
        "referral",
        cue(
            r"referral (?:bonus|reward|credit|cash|commission|programme|program|link|payout)s?",
            r"invite (?:your |my )?friends?(?: and| &| to)",
            r"(?:signed|sign|registered|register|joined)(?: up)? (?:with|using|through|via) my "
            r"(?:\w+ )?(?:link|code)",
        ),
    ),
    (
        # How the site shows things: "change the price display from RM to SGD".
        "display",
        cue(
            r"(?:currency|language|price|prices) (?:display|setting|settings)",
            r"(?:display|show|see|view) (?:the |all )?(?:prices?|amounts?) in (?:\w+ )?"
            r"(?:sgd|usd|idr|rupiah|dollars?|rmb|yuan|baht|pesos?|another currency|"
            r"other currenc\w*)",
            r"from rm to (?:sgd|usd|idr|rupiah|dollars?|rmb|yuan|baht|pesos?)",
            r"(?:change|switch|set) (?:the |my )?(?:currency|language)",
        ),
    ),
)

# The asker says it is not about an order of theirs: what it names going wrong is someone
# else's ("report a seller for fake listings, not about my own order").
NOT_MY_ORDER = cue(
    r"not (?:about|regarding|for|related to) (?:my|an|any|a) (?:own )?(?:order|purchase)s?",
    r"(?:i have|ive) not (?:bought|ordered) (?:anything|from (?:him|her|them))",
    r"bukan (?:pasal|tentang) (?:order|pesanan) saya",
)

# A comparison, not the asker's own case: "like a Poslaju parcel that says delivered".
ANALOGY = cue(
    r"like",
    r"macam",
    r"mcm",
    r"as if",
    r"similar to",
    r"seperti",
    r"same as",
    r"sama macam",
    r"kalau (?:kat|di)",
    r"in a real (?:shop|store)",
)

# Another shop's parcel told as the asker's own, or its courier, anywhere in the message:
# this marketplace sells digital goods, which no courier carries ("my Shopee parcel says
# auto-receive after 7 days but J&T never delivered it. What should I do?").
OTHER_SITE_PARCEL = cue(
    r"my (?:shopee|lazada|taobao|amazon|aliexpress|temu|tiktok shop|zalora) "
    r"(?:parcel|package|delivery)",
    r"physical (?:parcel|package|item|product|goods)",
    r"courier (?:tracking|company|service|guy|man)",
    r"guard ?house",
    r"(?:j ?& ?t|jnt|poslaju|pos laju|ninja ?van|gdex|city ?link|dhl|fedex|flash express)",
)

# Needs that are not about an order on this marketplace, whatever else the message says.
NEVER_ORDERS = frozenset({"other_site", "assistant", "outage", "hours", "referral"})
# Needs no article answers whatever happened to the order: more than the order's money
# back (interest, compensation for a late refund), a ruling on who lies, whether to deal
# outside the marketplace's chat, the order list as a file.
WHATEVER_HAPPENED = frozenset({"compensation", "judge", "off_platform", "records", "chargeback"})
# Needs that follow a purchase without anything gone wrong with it: they count unless the
# words tell a problem with the order ("how do I redeem it, it says invalid" is about the
# goods).
UNLESS_PROBLEM = frozenset(
    {"use_goods", "withdraw", "report", "fees", "privacy", "limit", "follow", "review", "relay"}
)

# Paid outside the marketplace's checkout: no order of it has the money ("transferred RM180
# straight to his bank account, never went through the checkout").
PAID_OUTSIDE = cue(
    r"(?:transferred|paid|sent|bank(?:ed)? in|bayar) (?:\w+ ){0,3}(?:straight|directly|direct|"
    r"terus) (?:to|into|ke) (?:his|her|their|the sellers?|sellers?|dia) (?:\w+ )?(?:bank|account|"
    r"acc|akaun)",
    r"(?:never|didnt|did not|not) (?:go|went|going) through (?:the |your )?(?:checkout|platform|"
    r"site|app)",
)

# A need named before and asked for by a pronoun: "how do I claim it?".
ASKS_FOR_IT = cue(r"(?:claim|get|apply for|request|ask for|receive) (?:it|this|that|one)\b")

# A code of the platform's named before and asked about by a pronoun: "promo code says
# already used ... why can't I use it?".
USES_IT = cue(r"(?:use|apply|redeem|enter|key in|claim) (?:it|this|that|the code)\b")

# Cancelling asked in the clause that asks: "to change the quantity, must I cancel first?".
ASKS_CANCEL = cue(r"cancel\w*", r"batal\w*")

# Clauses that carry the need in a long story: questions and statements of a want.
NEED_CLAUSE = cue(
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
    # A need told without asking: "not sure if I'm supposed to message them", "she wants to
    # know what stage it's at".
    r"(?:not sure|unsure|tak pasti|x pasti) (?:if|whether|what|how|when|where|sama ada)",
    r"wants? to know",
    r"wondering",
    r"nak tahu",
)

# A question of where or how that names nothing ("Where do I look?", "Where can I see
# that?"): it leans on the sentence before it.
WHERE_OR_HOW = re.compile(
    r"\W*(?:so |and |then |ok |okay )?(?:(?:where|how)(?:\W+(?:do|can|could|should|to|would|will|"
    r"i|we|you|u|see|find|look|check|get|it|that|this|them|those|these|there|the|one|up|at|"
    # "Where do I tell him to look?": a seller asked by a buyer.
    r"tell|send|point|him|her|my buyer|the buyer))*"
    # "Who do I appeal to?"
    r"|who (?:do|can|should|shall) (?:i|we) (?:appeal|complain|talk|speak|go|turn|report|"
    r"escalate|contact)(?: (?:this|it))?(?: to)?"
    # "Is there a help article I can point them to?"
    r"|is there (?:a |an )?(?:help )?(?:article|page|guide|link)(?: (?:i|we) can)?(?: (?:point|"
    r"send|share|give)(?: \w+)?(?: to)?)?)"
    r"\W*$",
    re.IGNORECASE,
)

# A line of a chat pasted in: "Me: bro I paid already", "[10:45] Seller: ok wait 5 min".
CHAT_LOG_LINE = re.compile(
    r"\s*(?:\[?\d{1,2}[:.]\d{2}(?: ?[ap]m)?\]?\s*[-–]?\s*)?(?:me|seller|buyer|penjual|pembeli|"
    r"customer|client|support|agent|admin|cs|him|her|he|she|you|i|saya)\s*:\s",
    re.IGNORECASE,
)

# A message that opens with text in quotes: a screen, a notice or a message pasted in.
PASTED_FIRST = re.compile(r"\W*?[\"“](?P<screen>[^\"“”]{8,400})[\"”]")

# A sentence added after the need, about something else: "Btw loving the new app layout",
# "Also my cat knocked my phone into the sink".
AFTERTHOUGHT = re.compile(
    r"^\W*(?:btw|by the way|also|anyway|anyways|oh and|ps|p\.s|side note|on another note|"
    r"unrelated|oh btw|oh ya|oh yeah)\b",
    re.IGNORECASE,
)

# The goods named as never come ("never got my item"), as opposed to "nothing came back"
# on a Refunding order (the refund's money).
GOODS_NEVER_CAME = cue(
    # "Seller never delivered", "I couldn't deliver": the goods, not the refund's money.
    r"(?:never|not|didnt|couldnt|could not|cannot|cant|havent|hasnt|belum|tak|x) (?:yet )?"
    r"(?:able to )?(?:deliver|delivered|hantar|dihantar)\b",
    r"(?:never|not|didnt|havent|hasnt|belum|blm|tak|x) (?:yet )?(?:got|get|gotten|received|receive|"
    r"dapat|terima|sampai)\w* (?:my |the |any |his |her |our )?(?:item|items|code|codes|key|keys|"
    r"goods|product|account|login|diamonds|uc|pin|pins|barang|kod|top ?up)\b",
    # "3 days since I paid, no delivery ... my refund is being processed".
    r"\bno (?:delivery|item|items|code|goods)\b",
)

# A point between digits is a decimal ("RM1.56"), not a sentence's end.
SENTENCE = re.compile(r"(?:(?<!\d)\.|\.(?!\d)|[!?\n])+")
# A question sentence, up to its question mark. It starts only where a sentence can (the
# text's start or after a stop): tried at every character, a long sentence without a
# question mark was scanned to its end from each of them, which cost a story 1.5 ms.
QUESTION = re.compile(r"(?<![^.!?\n])(?:[^.!?\n]|(?<=\d)\.(?=\d))*\?")

# Two asks joined in one sentence: "how to track my order and also how to change my
# password".
ASK_JOIN = re.compile(
    r"\b(?:and also|also|plus|and then|btw|by the way|and another thing)\b,? "
    r"(?=(?:how|what|can|could|is|are|do|does|where|when|why|any|got|will|should)\b)",
    re.IGNORECASE,
)

# Concepts that belong to buying on the marketplace: paying, the goods, delivery, refunds,
# cancelling, confirming, the order's status. A question with none of them, and no fact
# about an order, is about something else, however its other words overlap an article
# ("what's the difference between 4G and 5G"). A negated concept ("not_received") counts
# as its concept.
ORDER_CONCEPTS = frozenset(
    {
        "pay",
        "unpaid",
        "paid_unpaid",
        "buy",
        "order",
        "transaction",
        "item",
        "receive",
        "masuk",
        "nothing",
        "not_received",
        "deliver",
        "delivered_not_received",
        "marked_delivered",
        "refund",
        "refund_request",
        "partial_refund",
        "partial",
        "short",
        "cancel",
        "cancel_paid",
        "cancel_unpaid",
        "confirm",
        "confirm_received",
        "auto_confirm",
        "status",
        "track",
        "waiting_delivery",
        "expire",
        "expired_unpaid",
        "deduct",
        "seller",
        "buyer",
        "dispute",
        "details",
        "my_orders",
        "paymethod",
        "pay_failed",
        "cannot_pay",
        "pay_late",
        "bank",
        "bank_transfer",
        "late_delivery",
        "wrong",
        "wrong_item",
        "description",
        "receipt",
        "reorder",
        "money",
        "insufficient",
        "claim",
        "settled",
        "reject",
        "reverse",
        "amount",
        "deleted",
        "no_reply",
        "fail",
        "success",
    }
)
