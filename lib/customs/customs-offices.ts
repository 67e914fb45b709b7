/**
 * Customs offices a declaration can go to, from the table on Antom's inquiry page (ams-api.md §12). The
 * key is what staff pick; `customsCode` is what goes on the wire (several offices route to ZONGSHU).
 */
export const CUSTOMS_OFFICES = {
  ZONGSHU: { customsCode: 'ZONGSHU', nameEn: 'General Administration of Customs', nameZh: '海关总署' },
  ZHENGZHOU: { customsCode: 'ZHENGZHOU', nameEn: 'Henan bonded logistics centre', nameZh: '河南保税物流中心' },
  NINGBO: { customsCode: 'NINGBO', nameEn: 'Ningbo customs', nameZh: '宁波海关' },
  XINZHENG: { customsCode: 'ZONGSHU', nameEn: 'Xinzheng comprehensive bonded zone (airport)', nameZh: '新郑综合保税区（空港）' },
  TIANJIN: { customsCode: 'ZONGSHU', nameEn: 'Tianjin customs', nameZh: '天津海关' },
  SHANGHAI: { customsCode: 'SHANGHAI_CBT', nameEn: 'Shanghai customs', nameZh: '上海海关' },
  GUANGZHOU: { customsCode: 'ZONGSHU', nameEn: 'Guangzhou customs (airport / Nansha / Huangpu / Shatian)', nameZh: '广州海关' },
  HANGZHOU: { customsCode: 'ZONGSHU', nameEn: 'Hangzhou customs', nameZh: '杭州海关' },
} as const;

export type CustomsOffice = keyof typeof CUSTOMS_OFFICES;
export const CUSTOMS_OFFICE_KEYS = Object.keys(CUSTOMS_OFFICES) as [CustomsOffice, ...CustomsOffice[]];

/** Certificate types the declare API names (ams-api.md §12.1: e.g. ID_CARD, PASSPORT). */
export const CERTIFICATE_TYPES = ['ID_CARD', 'PASSPORT'] as const;
