// Demo content for an electronics retailer, written for Helpforce (no third-party data ships in the product).
import type { Tag } from '../../server/contracts/api.js';

export const DEMO_TAGS: Tag[] = [
  {
    slug: 'tv-home-theatre',
    name: 'TVs & home theatre',
    description: 'TVs, soundbars, receivers, projectors, streaming boxes',
    sensitive: false,
    keywords: [
      'tv',
      'television',
      'oled',
      'qled',
      'soundbar',
      'hdmi',
      'arc',
      'earc',
      'receiver',
      'projector',
      'surround',
      'subwoofer',
      '4k',
      'hdr',
      'dolby atmos',
      'remote',
    ],
  },
  {
    slug: 'computers',
    name: 'Computers',
    description: 'Laptops, desktops, monitors, printers, software',
    sensitive: false,
    keywords: [
      'laptop',
      'desktop',
      'pc',
      'macbook',
      'windows',
      'monitor',
      'printer',
      'keyboard',
      'ssd',
      'ram',
      'chromebook',
      'driver',
      'bios',
    ],
  },
  {
    slug: 'phones',
    name: 'Phones',
    description: 'Mobile phones, carriers, accessories',
    sensitive: false,
    keywords: [
      'phone',
      'iphone',
      'android',
      'pixel',
      'galaxy',
      'sim',
      'esim',
      'carrier',
      'unlock',
      'charger',
      'case',
      'screen protector',
    ],
  },
  {
    slug: 'appliances',
    name: 'Appliances',
    description: 'Kitchen and laundry appliances',
    sensitive: false,
    keywords: [
      'fridge',
      'refrigerator',
      'washer',
      'dryer',
      'dishwasher',
      'oven',
      'microwave',
      'range',
      'freezer',
      'ice maker',
      'vacuum',
    ],
  },
  {
    slug: 'gaming',
    name: 'Gaming',
    description: 'Consoles, games, controllers, gaming PCs',
    sensitive: false,
    keywords: [
      'ps5',
      'playstation',
      'xbox',
      'switch',
      'nintendo',
      'controller',
      'console',
      'game',
      'gaming',
      'preorder',
      'steam deck',
    ],
  },
  {
    slug: 'smart-home',
    name: 'Smart home',
    description: 'Wi-Fi, routers, cameras, smart speakers, thermostats',
    sensitive: false,
    keywords: [
      'router',
      'wifi',
      'wi-fi',
      'mesh',
      'smart speaker',
      'alexa',
      'google home',
      'thermostat',
      'doorbell',
      'camera',
      'smart plug',
      'firmware',
    ],
  },
  {
    slug: 'orders-delivery',
    name: 'Orders & delivery',
    description: 'Order status, shipping, delivery and pickup',
    sensitive: false,
    keywords: [
      'order',
      'delivery',
      'delivered',
      'shipping',
      'shipped',
      'tracking',
      'pickup',
      'curbside',
      'backorder',
      'arrive',
      'package',
    ],
  },
  {
    slug: 'returns-warranty',
    name: 'Returns & warranty',
    description: 'Returns, exchanges, refunds, protection plans',
    sensitive: true,
    keywords: [
      'return',
      'refund',
      'exchange',
      'warranty',
      'protection plan',
      'receipt',
      'restocking fee',
      'price match',
    ],
  },
  {
    slug: 'repair-service',
    name: 'Repair service',
    description: 'In-store and in-home repair, installation, tech support appointments',
    sensitive: true,
    keywords: [
      'repair',
      'fix',
      'broken',
      'cracked',
      'install',
      'installation',
      'appointment',
      'technician',
      'geek squad',
      'service',
    ],
  },
];

export const DEMO_EXPERTS: {
  name: string;
  signature: string;
  store: string;
  skills: [string, number][];
  generalist?: boolean;
  capacity?: number;
}[] = [
  {
    name: 'Dana Ortiz',
    signature: 'DO',
    store: 'Store #112 Austin',
    skills: [
      ['tv-home-theatre', 5],
      ['gaming', 3],
    ],
  },
  {
    name: 'Marcus Lee',
    signature: 'ML',
    store: 'Store #045 Seattle',
    skills: [
      ['computers', 5],
      ['smart-home', 3],
    ],
  },
  {
    name: 'Priya Natarajan',
    signature: 'PN',
    store: 'Corporate — Network team',
    skills: [
      ['smart-home', 5],
      ['computers', 4],
    ],
  },
  {
    name: 'Sam Okafor',
    signature: 'SO',
    store: 'Store #201 Atlanta',
    skills: [
      ['phones', 5],
      ['orders-delivery', 2],
    ],
  },
  {
    name: 'Lena Fischer',
    signature: 'LF',
    store: 'Store #078 Chicago',
    skills: [
      ['appliances', 5],
      ['repair-service', 3],
    ],
  },
  {
    name: 'Tom Becker',
    signature: 'TB',
    store: 'Distribution center',
    skills: [
      ['orders-delivery', 5],
      ['returns-warranty', 3],
    ],
  },
  {
    name: 'Aiko Tanaka',
    signature: 'AT',
    store: 'Store #133 San Jose',
    skills: [
      ['gaming', 5],
      ['computers', 3],
    ],
  },
  {
    name: 'Rosa Alvarez',
    signature: 'RA',
    store: 'Customer care',
    skills: [
      ['returns-warranty', 5],
      ['orders-delivery', 4],
    ],
    generalist: true,
  },
  {
    name: 'Kevin Walsh',
    signature: 'KW',
    store: 'In-home services',
    skills: [
      ['repair-service', 5],
      ['tv-home-theatre', 3],
      ['appliances', 3],
    ],
  },
  {
    name: 'Nora Haddad',
    signature: 'NH',
    store: 'Store #019 Boston',
    skills: [
      ['phones', 4],
      ['smart-home', 3],
    ],
  },
  {
    name: 'Ben Carter',
    signature: 'BC',
    store: 'Store #150 Denver',
    skills: [
      ['tv-home-theatre', 4],
      ['appliances', 2],
    ],
    generalist: true,
  },
  {
    name: 'Jia Chen',
    signature: 'JC',
    store: 'Online store team',
    skills: [
      ['orders-delivery', 4],
      ['computers', 2],
      ['phones', 2],
    ],
  },
];

/**
 * What customers ask, one topic per problem: a simulated expert answers a question with an answer of the topic its
 * words match (dev/demo/topics.ts), so a microwave question never gets an ice-maker answer. `answers` holds at least
 * two, so a reply sent back by a reviewer can be revised with a different one; `followUp` is what the customer writes
 * when the answer did not settle it.
 */
export interface DemoTopic {
  tag: string;
  words: string[];
  questions: string[];
  answers: string[];
  followUp: string;
}

export const DEMO_TOPICS: DemoTopic[] = [
  {
    tag: 'tv-home-theatre',
    words: ['oled', 'turning', 'off', 'minutes', 'power'],
    questions: ['my new OLED keeps turning itself off after about 20 minutes, any idea what setting does that?'],
    answers: [
      'That is usually the eco power-off timer: Settings > General > Power saving, switch "Auto power off" off and it stays on.',
      'OLEDs switch off when no input is detected for a while. Turn off "No signal power off" under Settings > General > Eco.',
    ],
    followUp: 'turned auto power off off but it still shuts down after 20 min, what else could it be?',
  },
  {
    tag: 'tv-home-theatre',
    words: ['soundbar', 'arc', 'volume', 'remote'],
    questions: ["soundbar connected over HDMI ARC but the TV remote won't control the volume. help?"],
    answers: [
      'Turn on HDMI-CEC on both the TV and the soundbar, use the port marked ARC/eARC, then unplug both for a minute.',
      'Set the TV audio output to "HDMI ARC" (not TV speakers) and switch on CEC on the soundbar; the TV remote then drives its volume.',
    ],
    followUp: 'CEC is on and it is in the ARC port, volume still does nothing. does the cable matter?',
  },
  {
    tag: 'tv-home-theatre',
    words: ['qled', 'wall', 'mount', 'vesa', '400x400'],
    questions: ['is the 65" QLED on sale this weekend compatible with a wall mount I already have (400x400)?'],
    answers: [
      'Yes: that 65" model uses a 400x400 VESA pattern with M8 screws. Check that your mount is rated for at least 30 kg.',
      'It is VESA 400x400, so your mount fits. Use the spacers in the TV box if the back of the set is curved.',
    ],
    followUp: 'great, do the M8 screws come with the TV or do I need to buy them?',
  },
  {
    tag: 'tv-home-theatre',
    words: ['projector', 'washed', 'grey', 'lights'],
    questions: ['projector looks washed out in the living room even with the lights off, what should I try?'],
    answers: [
      'Switch the picture mode to Cinema, lower brightness a notch and raise contrast; a grey screen helps in rooms with light walls.',
      'Washed-out pictures are often the lamp mode: set it to Normal (not Eco) and pick the Cinema or Movie picture preset.',
    ],
    followUp: 'tried that, still looks grey. would a different screen really help?',
  },
  {
    tag: 'tv-home-theatre',
    words: ['receiver', 'atmos', '5.1', 'speakers', 'budget'],
    questions: ['which receiver would you pair with 5.1 speakers for dolby atmos on a budget?'],
    answers: [
      'For 5.1 now and Atmos later, a 7.2 receiver around $400 is the sweet spot. Ask in store to hear two side by side.',
      'Any 7.2-channel receiver with Atmos and eARC will do; the mid-range models add room calibration, worth it for Atmos.',
    ],
    followUp: 'do I need new ceiling speakers for atmos or can I use my 5.1 set?',
  },
  {
    tag: 'computers',
    words: ['laptop', 'wake', 'sleep', 'update', 'black'],
    questions: ["laptop won't wake from sleep since the last windows update, screen stays black"],
    answers: [
      "Roll back the display driver (Device Manager > Display adapters), then install the latest from the maker's site.",
      'Turn off Fast Startup (Control Panel > Power Options) and update the chipset driver; that fixes most wake issues.',
    ],
    followUp: 'rolled back the driver, still black screen after sleep. should I reset windows?',
  },
  {
    tag: 'computers',
    words: ['ram', 'soldered', 'memory', 'upgrade'],
    questions: ['can I add more RAM to the 14 inch laptop I bought last month or is it soldered?'],
    answers: [
      'On that 14" model the RAM is soldered, but the SSD slot can be upgraded. Happy to help you pick a drive in store.',
      'Its memory is on the board, so no RAM upgrade; a bigger SSD is possible. Bring it in and we can check the slot.',
    ],
    followUp: 'ok, what is the largest SSD it takes?',
  },
  {
    tag: 'computers',
    words: ['printer', 'offline', 'morning'],
    questions: ["printer says offline every morning even though it's on wifi. so annoying"],
    answers: [
      'Give the printer a fixed IP in your router and turn off its deep sleep mode; it drops off Wi-Fi when it sleeps.',
      'Remove the printer in Settings > Printers and add it again by IP address, so Windows stops looking for an old one.',
    ],
    followUp: 'set a fixed IP and it still shows offline the next day. anything else?',
  },
  {
    tag: 'computers',
    words: ['monitor', 'flickers', 'usb-c'],
    questions: ['my external monitor flickers when connected by usb-c, works fine on hdmi'],
    answers: [
      'Try a USB-C cable rated for video (USB 3.1 / Thunderbolt) and set the refresh rate to 60 Hz while you test.',
      'Flicker on USB-C only is usually the cable or a power-saving setting: turn off "adaptive brightness" and try another cable.',
    ],
    followUp: 'new cable, same flicker. could it be the laptop port?',
  },
  {
    tag: 'phones',
    words: ['esim', 'move', 'transfer'],
    questions: ['bought a phone online, how do I move my eSIM from my old one?'],
    answers: [
      'Go to Settings > Cellular > Add eSIM > Transfer from nearby phone and keep both phones unlocked side by side.',
      "Your carrier's app can move it too: sign in on the new phone and choose Transfer eSIM. It takes about five minutes.",
    ],
    followUp: 'the transfer option is greyed out on my old phone, why?',
  },
  {
    tag: 'phones',
    words: ['charger', 'hot', 'pixel'],
    questions: ['phone charger that came with my pixel gets really hot, is that normal?'],
    answers: [
      "Warm is normal while fast charging, too hot to hold isn't. Try another cable and bring the charger in if it keeps up.",
      'Unplug it for now and bring it in: a charger that gets hot to touch is covered and we will swap it.',
    ],
    followUp: 'different cable and it still gets hot. can I swap it at any store?',
  },
  {
    tag: 'phones',
    words: ['galaxy', 'unlocked', 'carrier'],
    questions: ['is the galaxy I ordered carrier unlocked or tied to a network?'],
    answers: [
      'The ones we sell online are unlocked unless the listing names a carrier. Your order page shows "Unlocked" under the model.',
      'It is unlocked: any carrier SIM or eSIM will work. Only the carrier-branded listings come tied to a network.',
    ],
    followUp: 'the order page just says "Galaxy 128GB", how can I tell for sure?',
  },
  {
    tag: 'appliances',
    words: ['dishwasher', 'film', 'glasses'],
    questions: ["dishwasher leaves a white film on all the glasses, it's only 3 months old"],
    answers: [
      'A white film is usually hard water: fill the rinse aid and run an empty hot cycle with a dishwasher cleaner.',
      'Set the water hardness on the dishwasher to your area and add rinse aid; the film should stop after a few loads.',
    ],
    followUp: 'rinse aid is full and I ran the cleaner, the film is still there. what next?',
  },
  {
    tag: 'appliances',
    words: ['fridge', 'ice', 'maker'],
    questions: ["our new fridge ice maker hasn't made ice in 2 days. water line is connected"],
    answers: [
      'Make sure the ice maker arm is down and the water valve is fully open. A new one takes up to 24 h to make ice.',
      'Check that the freezer is at 0°F / -18°C and the filter is seated firmly: the ice maker waits until it is cold enough.',
    ],
    followUp: 'arm is down and the valve is open, still no ice after another day. can someone check it?',
  },
  {
    tag: 'appliances',
    words: ['dryer', 'towels', 'filter', 'cycles'],
    questions: ["dryer takes two cycles to dry towels, is there a filter I'm missing?"],
    answers: [
      'Clean the lint filter and check the vent hose behind the dryer for lint or kinks: a blocked vent doubles drying time.',
      'Besides the lint screen there is often a second filter in the door. Clean both and check the outside vent flap opens.',
    ],
    followUp: 'both filters are clean and the vent is clear, towels are still damp. is it the heater?',
  },
  {
    tag: 'appliances',
    words: ['microwave', 'door', 'handle', 'loose'],
    questions: ['microwave door handle came loose after a week #annoyed'],
    answers: [
      'Sorry about that! A loose handle in the first week is a warranty fix: bring it in or we can send a replacement handle.',
      'The handle screws sit under the door trim. Please stop using it until it is fixed; we can exchange it at any store.',
    ],
    followUp: 'can I just swap the whole microwave at the store?',
  },
  {
    tag: 'gaming',
    words: ['ps5', 'consoles', 'stock', 'sold'],
    questions: ['will there be more PS5 consoles in store this week? sold out everywhere'],
    answers: [
      'Stores restock during the week: check "pickup today" on the product page in the morning, that is when it updates.',
      'We get a few each week; turn on "notify me" on the product page and you will hear as soon as your store has one.',
    ],
    followUp: 'it showed in stock at 9 and was gone at 9:05. any way to reserve one?',
  },
  {
    tag: 'gaming',
    words: ['xbox', 'controller', 'disconnecting', 'pc'],
    questions: ['xbox controller keeps disconnecting from my PC, any fix?'],
    answers: [
      'Update the controller with the Xbox Accessories app, then re-pair it over a USB cable once. That fixes most drops.',
      'Use the Xbox wireless adapter instead of Bluetooth if you can, or turn off USB power saving in Device Manager.',
    ],
    followUp: 'updated and re-paired, still drops every few minutes. is it faulty?',
  },
  {
    tag: 'gaming',
    words: ['switch', 'bundle', 'cartridge', 'code'],
    questions: ['does the switch bundle include the game download code or is it a cartridge?'],
    answers: [
      'The bundle comes with a download code on a card in the box, no cartridge. Redeem it in the eShop.',
      'It is a download code printed on a card inside the box; enter it under Redeem Code in the eShop.',
    ],
    followUp: 'my box had no code card in it, who do I contact?',
  },
  {
    tag: 'gaming',
    words: ['preorder', 'pickup', 'controller', 'delivery'],
    questions: ['can I preorder the new controller for pickup instead of delivery?'],
    answers: [
      'Yes: choose "Store pickup" at checkout when you preorder, and we will email you when it is ready to collect.',
      'You can: pick your store at checkout. Preorders for pickup are held for 7 days after release day.',
    ],
    followUp: 'I already preordered with delivery, can I change it to pickup now?',
  },
  {
    tag: 'smart-home',
    words: ['mesh', 'upstairs', 'nodes', 'dropping'],
    questions: ['mesh wifi system keeps dropping the connection upstairs. 3 nodes, 2 floors'],
    answers: [
      'Keep the nodes within two rooms of each other, one on each floor near the stairs, and update the mesh firmware.',
      'Wire the upstairs node back with Ethernet if you can; if not, move it halfway between the router and the dead spot.',
    ],
    followUp: 'moved the node and updated, it still drops upstairs at night. any setting to check?',
  },
  {
    tag: 'smart-home',
    words: ['doorbell', '5ghz', '2.4'],
    questions: ["smart doorbell camera won't connect to 5ghz wifi, only 2.4?"],
    answers: [
      'Most doorbells only use 2.4 GHz. Give the 2.4 GHz band its own network name on the router while you set it up.',
      'Yes, 2.4 GHz only: it reaches further through walls. Split the bands in your router settings during setup.',
    ],
    followUp: 'my router has no option to split the bands, what now?',
  },
  {
    tag: 'smart-home',
    words: ['thermostat', 'e74', 'failed'],
    questions: ['thermostat firmware update failed and now it shows an error code E74'],
    answers: [
      'Hold the reset button for 10 seconds to restart it, then run the firmware update again from the app over Wi-Fi.',
      'E74 means the update stopped halfway: turn off the breaker for a minute, power it up and retry the update in the app.',
    ],
    followUp: 'did the reset and it shows the same error again. can it be replaced?',
  },
  {
    tag: 'smart-home',
    words: ['router', 'port', 'forwarding'],
    questions: ['router firmware update — do I need to redo all my port forwarding after?'],
    answers: [
      'No: firmware updates keep your settings, port forwarding too. Only a factory reset clears them.',
      'Your port forwarding stays. Export the settings from the admin page first anyway, it takes a second.',
    ],
    followUp: 'after the update two of my forwarded ports stopped working, why?',
  },
  {
    tag: 'orders-delivery',
    words: ['delivered', 'door', 'where', 'nothing'],
    questions: ['where is my order?? it said delivered yesterday but nothing at my door'],
    answers: [
      "Sorry about that! Please DM us your order number and we'll open a trace with the carrier right away.",
      'So sorry. Check with neighbours and your mailroom first, then DM us the order number and we will trace it today.',
    ],
    followUp: 'sent you a DM an hour ago, no answer yet. anyone looking?',
  },
  {
    tag: 'orders-delivery',
    words: ['window', 'showed', 'nobody', '8-12'],
    questions: ['my delivery window was 8-12 and nobody showed up. what now?'],
    answers: [
      'So sorry. DM us the order number and we will check with the driver and rebook the delivery for the first free slot.',
      'Sorry for the wait! Missed windows are rebooked free of charge: DM us the order number and a time that suits you.',
    ],
    followUp: 'rebooked for tomorrow, will I get a text before they come?',
  },
  {
    tag: 'orders-delivery',
    words: ['tracking', 'updated', 'days'],
    questions: ["tracking hasn't updated in 4 days for my laptop order, should I worry?"],
    answers: [
      'Tracking often pauses between hubs. If it has not moved in 5 days, DM us the order number and we will chase it.',
      'Not yet: parcels often skip scans between depots. Give it one more day, then DM us and we will open a trace.',
    ],
    followUp: 'it has been 6 days now and still no update, can you check?',
  },
  {
    tag: 'orders-delivery',
    words: ['pick', 'someone', 'confirmation', 'else'],
    questions: ['can someone else pick up my order if I send them the confirmation email?'],
    answers: [
      'Yes: add them as an alternate pickup person on the order page; they bring a photo ID and the order number.',
      'They can, if you name them as alternate pickup on the order page. The email alone is not enough, they need ID.',
    ],
    followUp: 'I cannot find the alternate pickup option on the order page, where is it?',
  },
  {
    tag: 'returns-warranty',
    words: ['return', 'headphones', 'opened', 'box'],
    questions: ['how long do I have to return headphones if I opened the box?'],
    answers: [
      'You have 15 days with the receipt; opened is fine as long as every part is back in the box.',
      'Opened headphones can come back within 15 days, with the receipt and all the accessories they came with.',
    ],
    followUp: 'I lost the receipt, can I still return them with my card?',
  },
  {
    tag: 'returns-warranty',
    words: ['restocking', 'fee', 'tv'],
    questions: ['is there a restocking fee for returning a TV I bought 10 days ago?'],
    answers: [
      'No restocking fee on TVs returned within 15 days; bring the receipt, the remote and the stand.',
      'Within 15 days there is no fee for a TV. Keep the original box if you still have it, it makes the return quicker.',
    ],
    followUp: 'I threw the box away, can I still return it?',
  },
  {
    tag: 'returns-warranty',
    words: ['protection', 'plan', 'drop', 'screen'],
    questions: ['does the protection plan cover a cracked phone screen from a drop?'],
    answers: [
      'The accident plan covers drops and cracked screens; the standard plan does not. Your receipt shows which one you have.',
      'If your plan says "Accidental damage", yes: one screen repair a year with a small deductible. Book it under Services.',
    ],
    followUp: 'my receipt just says "protection", which one is that?',
  },
  {
    tag: 'returns-warranty',
    words: ['price', 'match', 'cheaper'],
    questions: ['can I get a price match, same laptop is $80 cheaper online today'],
    answers: [
      'We match our own site and major retailers within 15 days of purchase: show the listing at the register or in chat.',
      'Yes, within 15 days: bring the receipt and the link to the lower price and we refund the difference.',
    ],
    followUp: 'the cheaper one is a marketplace seller, does that count?',
  },
  {
    tag: 'repair-service',
    words: ['repair', 'hinge', 'appointment', 'book'],
    questions: ['need a repair appointment for a laptop with a broken hinge, how do I book?'],
    answers: [
      'Book a slot online under Services > Schedule, or walk in. Bring the charger and we will check the hinge the same day.',
      'Use Services > Schedule to book, or call your store. Hinge repairs usually take 3-5 days if the part is in stock.',
    ],
    followUp: 'the booking page shows no free slots this week, can I just walk in?',
  },
  {
    tag: 'repair-service',
    words: ['tablet', 'screen', 'cost', 'fix'],
    questions: ['how much does it cost to fix a cracked screen on a tablet in store?'],
    answers: [
      'The technician quotes it after a free check; most tablet screens are fixed in 2-3 days. Book under Services.',
      'It depends on the model; bring it in for a free quote. With a protection plan it is covered.',
    ],
    followUp: 'can you give me a rough price before I come in?',
  },
  {
    tag: 'repair-service',
    words: ['installation', 'mounting', 'fireplace'],
    questions: ['does in-home installation include mounting the TV over a fireplace?'],
    answers: [
      'Yes, over a fireplace is fine on brick or studs; the installer checks the wall first. Book it under Services.',
      'It does, on brick or stud walls. Hiding the cables inside the wall is an add-on the installer can quote.',
    ],
    followUp: 'the fireplace is stone, can they drill into that?',
  },
  {
    tag: 'repair-service',
    words: ['washer', 'banging', 'spin'],
    questions: ['my washer makes a loud banging noise on spin, can a technician come out?'],
    answers: [
      'A technician can come out: book an in-home visit under Services. Meanwhile check the load is balanced.',
      'Yes. Before the visit, check that the transit bolts at the back were removed: left in, they make exactly that noise.',
    ],
    followUp: 'when is the earliest a technician could come?',
  },
  {
    tag: 'general',
    words: ['recycle', 'electronics', 'old'],
    questions: ['hi! quick q: do you recycle old electronics at the store?'],
    answers: [
      'We do: every store takes old electronics for free at the service desk, up to three items a day.',
      'Yes! Drop them at the service desk in any store. Wipe phones and laptops first; we can help with that.',
    ],
    followUp: 'does that include an old fridge?',
  },
  {
    tag: 'general',
    words: ['waiting', 'chat', 'anyone'],
    questions: ['anyone there? been waiting on chat for an hour 😩'],
    answers: [
      'So sorry for the wait! We are here: tell us what you need help with and we will sort it out in this thread.',
      'Sorry, chat is busy today. Reply here with your question or order number and we will pick it up right away.',
    ],
    followUp: 'it is about my order, can you check it here?',
  },
  {
    tag: 'general',
    words: ['hours', 'sunday', 'denver', 'store'],
    questions: ['what are your store hours on sunday in denver?'],
    answers: [
      'Our Denver stores are open 10-6 on Sundays. The store page shows holiday hours too.',
      'Sunday hours in Denver are 10 am to 6 pm; pickup orders can be collected until closing.',
    ],
    followUp: 'is that the same for the store at the mall?',
  },
  {
    tag: 'general',
    words: ['black', 'friday', 'earbuds', 'online', 'deal'],
    questions: ['is the black friday deal on earbuds available online too? 🎧'],
    answers: [
      'Yes, the earbuds deal is online too, while stock lasts. Pick store pickup if you want them today.',
      'It is: same price online and in store until Sunday night.',
    ],
    followUp: 'it shows the old price in the app, is the deal over?',
  },
];

/** What a customer writes when the answer settled it (each is read as a thank-you, not a new question). */
export const THANK_YOUS = [
  'thanks, that worked! 🙏',
  'thank you, all sorted now',
  'that fixed it, thanks a lot!',
  'perfect, thx 👍',
  'works now, you rock',
];

/** Added to a revised answer: what a reviewer usually asks for is a next step. */
export const REVISION_CLOSINGS = [
  'If that does not help, reply here and we will take it from there.',
  'Still stuck after that? Reply here and we will book you a check.',
];

export const SAMPLE_QUESTIONS: string[] = DEMO_TOPICS.flatMap((topic) => topic.questions);

/** Each tag's answers, for a question whose words match no topic. */
export const CANNED_ANSWERS: Record<string, string[]> = {};
for (const topic of DEMO_TOPICS) (CANNED_ANSWERS[topic.tag] ??= []).push(...topic.answers);

export const CUSTOMER_HANDLES = [
  'jessie_k',
  'mike_builds',
  'sunny_days88',
  'techmom',
  'pat_r',
  'gamer_gil',
  'linda_h',
  'rob_the_dad',
  'ana_paula',
  'chris_w',
  'yuki_t',
  'deshawn_c',
];
