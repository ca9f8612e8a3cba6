// Demo content for an electronics retailer, written for Helpforce (no third-party data ships in the product).
import type { Tag } from '../contracts/api.js';

export const DEMO_TAGS: Tag[] = [
  { slug: 'tv-home-theatre', name: 'TVs & home theatre', description: 'TVs, soundbars, receivers, projectors, streaming boxes', sensitive: false,
    keywords: ['tv', 'television', 'oled', 'qled', 'soundbar', 'hdmi', 'arc', 'earc', 'receiver', 'projector', 'surround', 'subwoofer', '4k', 'hdr', 'dolby atmos', 'remote'] },
  { slug: 'computers', name: 'Computers', description: 'Laptops, desktops, monitors, printers, software', sensitive: false,
    keywords: ['laptop', 'desktop', 'pc', 'macbook', 'windows', 'monitor', 'printer', 'keyboard', 'ssd', 'ram', 'chromebook', 'driver', 'bios'] },
  { slug: 'phones', name: 'Phones', description: 'Mobile phones, carriers, accessories', sensitive: false,
    keywords: ['phone', 'iphone', 'android', 'pixel', 'galaxy', 'sim', 'esim', 'carrier', 'unlock', 'charger', 'case', 'screen protector'] },
  { slug: 'appliances', name: 'Appliances', description: 'Kitchen and laundry appliances', sensitive: false,
    keywords: ['fridge', 'refrigerator', 'washer', 'dryer', 'dishwasher', 'oven', 'microwave', 'range', 'freezer', 'ice maker', 'vacuum'] },
  { slug: 'gaming', name: 'Gaming', description: 'Consoles, games, controllers, gaming PCs', sensitive: false,
    keywords: ['ps5', 'playstation', 'xbox', 'switch', 'nintendo', 'controller', 'console', 'game', 'gaming', 'preorder', 'steam deck'] },
  { slug: 'smart-home', name: 'Smart home', description: 'Wi-Fi, routers, cameras, smart speakers, thermostats', sensitive: false,
    keywords: ['router', 'wifi', 'wi-fi', 'mesh', 'smart speaker', 'alexa', 'google home', 'thermostat', 'doorbell', 'camera', 'smart plug', 'firmware'] },
  { slug: 'orders-delivery', name: 'Orders & delivery', description: 'Order status, shipping, delivery and pickup', sensitive: false,
    keywords: ['order', 'delivery', 'delivered', 'shipping', 'shipped', 'tracking', 'pickup', 'curbside', 'backorder', 'arrive', 'package'] },
  { slug: 'returns-warranty', name: 'Returns & warranty', description: 'Returns, exchanges, refunds, protection plans', sensitive: true,
    keywords: ['return', 'refund', 'exchange', 'warranty', 'protection plan', 'receipt', 'restocking fee', 'price match'] },
  { slug: 'repair-service', name: 'Repair service', description: 'In-store and in-home repair, installation, tech support appointments', sensitive: true,
    keywords: ['repair', 'fix', 'broken', 'cracked', 'install', 'installation', 'appointment', 'technician', 'geek squad', 'service'] },
];

export const DEMO_EXPERTS: { name: string; signature: string; store: string; skills: [string, number][]; generalist?: boolean; capacity?: number }[] = [
  { name: 'Dana Ortiz', signature: 'DO', store: 'Store #112 Austin', skills: [['tv-home-theatre', 5], ['gaming', 3]] },
  { name: 'Marcus Lee', signature: 'ML', store: 'Store #045 Seattle', skills: [['computers', 5], ['smart-home', 3]] },
  { name: 'Priya Natarajan', signature: 'PN', store: 'Corporate — Network team', skills: [['smart-home', 5], ['computers', 4]] },
  { name: 'Sam Okafor', signature: 'SO', store: 'Store #201 Atlanta', skills: [['phones', 5], ['orders-delivery', 2]] },
  { name: 'Lena Fischer', signature: 'LF', store: 'Store #078 Chicago', skills: [['appliances', 5], ['repair-service', 3]] },
  { name: 'Tom Becker', signature: 'TB', store: 'Distribution center', skills: [['orders-delivery', 5], ['returns-warranty', 3]] },
  { name: 'Aiko Tanaka', signature: 'AT', store: 'Store #133 San Jose', skills: [['gaming', 5], ['computers', 3]] },
  { name: 'Rosa Alvarez', signature: 'RA', store: 'Customer care', skills: [['returns-warranty', 5], ['orders-delivery', 4]], generalist: true },
  { name: 'Kevin Walsh', signature: 'KW', store: 'In-home services', skills: [['repair-service', 5], ['tv-home-theatre', 3], ['appliances', 3]] },
  { name: 'Nora Haddad', signature: 'NH', store: 'Store #019 Boston', skills: [['phones', 4], ['smart-home', 3]] },
  { name: 'Ben Carter', signature: 'BC', store: 'Store #150 Denver', skills: [['tv-home-theatre', 4], ['appliances', 2]], generalist: true },
  { name: 'Jia Chen', signature: 'JC', store: 'Online store team', skills: [['orders-delivery', 4], ['computers', 2], ['phones', 2]] },
];

export const SAMPLE_QUESTIONS: string[] = [
  'my new OLED keeps turning itself off after about 20 minutes, any idea what setting does that?',
  'soundbar connected over HDMI ARC but the TV remote won\'t control the volume. help?',
  'is the 65" QLED on sale this weekend compatible with a wall mount I already have (400x400)?',
  'projector looks washed out in the living room even with the lights off, what should I try?',
  'which receiver would you pair with 5.1 speakers for dolby atmos on a budget?',
  'laptop won\'t wake from sleep since the last windows update, screen stays black',
  'can I add more RAM to the 14 inch laptop I bought last month or is it soldered?',
  'printer says offline every morning even though it\'s on wifi. so annoying',
  'my external monitor flickers when connected by usb-c, works fine on hdmi',
  'bought a phone online, how do I move my eSIM from my old one?',
  'phone charger that came with my pixel gets really hot, is that normal?',
  'is the galaxy I ordered carrier unlocked or tied to a network?',
  'dishwasher leaves a white film on all the glasses, it\'s only 3 months old',
  'our new fridge ice maker hasn\'t made ice in 2 days. water line is connected',
  'dryer takes two cycles to dry towels, is there a filter I\'m missing?',
  'microwave door handle came loose after a week #annoyed',
  'will there be more PS5 consoles in store this week? sold out everywhere',
  'xbox controller keeps disconnecting from my PC, any fix?',
  'does the switch bundle include the game download code or is it a cartridge?',
  'can I preorder the new controller for pickup instead of delivery?',
  'mesh wifi system keeps dropping the connection upstairs. 3 nodes, 2 floors',
  'smart doorbell camera won\'t connect to 5ghz wifi, only 2.4?',
  'thermostat firmware update failed and now it shows an error code E74',
  'router firmware update — do I need to redo all my port forwarding after?',
  'where is my order?? it said delivered yesterday but nothing at my door',
  'tracking hasn\'t updated in 4 days for my laptop order, should I worry?',
  'can someone else pick up my order if I send them the confirmation email?',
  'my delivery window was 8-12 and nobody showed up. what now?',
  'how long do I have to return headphones if I opened the box?',
  'is there a restocking fee for returning a TV I bought 10 days ago?',
  'does the protection plan cover a cracked phone screen from a drop?',
  'can I get a price match, same laptop is $80 cheaper online today',
  'need a repair appointment for a laptop with a broken hinge, how do I book?',
  'does in-home installation include mounting the TV over a fireplace?',
  'my washer makes a loud banging noise on spin, can a technician come out?',
  'how much does it cost to fix a cracked screen on a tablet in store?',
  'hi! quick q: do you recycle old electronics at the store?',
  'anyone there? been waiting on chat for an hour 😩',
  'what are your store hours on sunday in denver?',
  'is the black friday deal on earbuds available online too? 🎧',
];

export const CANNED_ANSWERS: Record<string, string[]> = {
  'tv-home-theatre': [
    'That sounds like the eco/auto power-off timer. Settings > General > Power saving: turn off "Auto power off" and it should stay on.',
    'Check that HDMI-CEC is on for both TV and soundbar and that the cable is in the port marked ARC/eARC. Then power-cycle both.',
  ],
  computers: [
    'Try Device Manager > Display adapters > roll back the driver, then install the latest one from the maker\'s site. That usually fixes wake from sleep.',
    'For that model the RAM is soldered, but the SSD slot is upgradeable. Happy to help pick a compatible drive in store.',
  ],
  phones: [
    'You can transfer an eSIM in Settings > Cellular > Transfer from nearby phone, keep both phones unlocked and close together.',
    'Warm is normal while fast charging, hot to the touch isn\'t. Swap to another cable/brick and bring the charger in if it keeps happening.',
  ],
  appliances: [
    'White film is usually hard water: add rinse aid and run an empty cycle with a dishwasher cleaner. Let us know if it stays.',
    'Make sure the ice maker arm is down and the water valve is fully open. It takes up to 24 h to start after install.',
  ],
  gaming: [
    'Stores get restocks during the week; check "pickup today" on the product page in the morning, that\'s when it updates.',
    'Update the controller firmware with the Xbox Accessories app and use a USB cable once to re-pair. That fixes most drops.',
  ],
  'smart-home': [
    'Put the nodes within two rooms of each other and keep one on each floor near the stairs. Also update the mesh firmware in the app.',
    'Most doorbells only support 2.4 GHz. Turn on a separate 2.4 GHz network name on the router during setup.',
  ],
  'orders-delivery': [
    'Sorry about that! Please DM us your order number and we\'ll open a trace with the carrier right away.',
    'Yes: add them as an alternate pickup person in your order and they\'ll need a photo ID at pickup.',
  ],
  'returns-warranty': [
    'Most items can be returned within 15 days with the receipt; opened headphones are fine as long as all parts are included.',
  ],
  'repair-service': [
    'You can book a repair slot online under Services > Schedule, or walk in. Bring the charger and we\'ll check the hinge same day.',
  ],
  general: [
    'Thanks for reaching out! Please DM us your zip code and we\'ll find the nearest store and its hours.',
  ],
};

export const CUSTOMER_HANDLES = ['jessie_k', 'mike_builds', 'sunny_days88', 'techmom', 'pat_r', 'gamer_gil', 'linda_h', 'rob_the_dad', 'ana_paula', 'chris_w', 'yuki_t', 'deshawn_c'];
