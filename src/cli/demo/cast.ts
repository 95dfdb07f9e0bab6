/**
 * The people and bodies of the demo story. The identifiers follow the QCVN 102 / Quyết định
 * 20/2020 form and the names are real kinds of bodies, but the commune, the people and every
 * certificate are made up for the demo.
 * @internal
 * @module
 */
import type { StaffInfo } from '../../index.js';

/** One agency of the story and the axis its document system is connected to. */
export interface DemoAgency {
  readonly key: 'ministry' | 'province' | 'commune';
  readonly organId: string;
  readonly organName: string;
  /** English gloss for the printout. */
  readonly english: string;
  /** Which LocalAxis its system is registered on. */
  readonly axis: 'national' | 'provincial';
  /** The secret the axis operator issued to its system (demo only). */
  readonly secret: string;
  /** Province / city written in its certificates. */
  readonly place: string;
  /** Tax-like code of the body written in its organisation certificate (`UID=MST:…`). */
  readonly taxCode: string;
  /** The competent person who signs its documents. */
  readonly leader: { readonly name: string; readonly title: string; readonly idNumber: string };
  /** Văn thư (clerk), lãnh đạo (leader), chuyên viên (specialist). */
  readonly staff: { readonly clerk: StaffInfo; readonly leader: StaffInfo; readonly specialist: StaffInfo };
}

export const MINISTRY: DemoAgency = {
  key: 'ministry',
  organId: '000.00.00.G09',
  organName: 'Bộ Nội vụ',
  english: 'Ministry of Home Affairs',
  axis: 'national',
  secret: 'demo-secret-g09',
  place: 'Hà Nội',
  taxCode: 'MST:0100000009',
  leader: { name: 'Trần Văn Minh', title: 'Thứ trưởng', idNumber: 'CCCD:001080000009' },
  staff: {
    clerk: { department: 'Văn phòng Bộ', staff: 'Đỗ Thị Lan' },
    leader: { department: 'Lãnh đạo Bộ', staff: 'Trần Văn Minh' },
    specialist: { department: 'Vụ Chính quyền địa phương', staff: 'Phạm Quốc Huy' },
  },
};

export const PROVINCE: DemoAgency = {
  key: 'province',
  organId: '000.00.00.H41',
  organName: 'UBND tỉnh Nghệ An',
  english: 'People’s Committee of Nghệ An province',
  axis: 'provincial',
  secret: 'demo-secret-h41',
  place: 'Nghệ An',
  taxCode: 'MST:2900000041',
  leader: { name: 'Nguyễn Đức Thành', title: 'Phó Chủ tịch', idNumber: 'CCCD:040080000041' },
  staff: {
    clerk: { department: 'Văn phòng UBND tỉnh', staff: 'Lê Thị Hoa' },
    leader: { department: 'Lãnh đạo UBND tỉnh', staff: 'Nguyễn Đức Thành' },
    specialist: { department: 'Sở Nội vụ', staff: 'Hoàng Minh Tuấn' },
  },
};

export const COMMUNE: DemoAgency = {
  key: 'commune',
  organId: '000.01.31.H41',
  organName: 'UBND xã Hưng Tân',
  english: 'People’s Committee of Hưng Tân commune',
  axis: 'provincial',
  secret: 'demo-secret-h41-xa',
  place: 'Nghệ An',
  taxCode: 'MST:2900031001',
  leader: { name: 'Võ Thị Hằng', title: 'Chủ tịch', idNumber: 'CCCD:040090031001' },
  staff: {
    clerk: { department: 'Văn phòng - Thống kê', staff: 'Cao Văn Bình' },
    leader: { department: 'Lãnh đạo UBND xã', staff: 'Võ Thị Hằng' },
    specialist: { department: 'Phòng Văn hóa - Xã hội', staff: 'Nguyễn Thị Mai' },
  },
};

/** The three agencies, sender first. */
export const CAST: readonly DemoAgency[] = [MINISTRY, PROVINCE, COMMUNE];

/** The provincial axis's own system at the national axis (the link between the two). */
export const PROVINCIAL_LINK = { systemId: 'vxp.tinh.h41', secret: 'demo-secret-link-h41', name: 'Trục liên thông văn bản tỉnh Nghệ An' } as const;

/** `Bộ Nội vụ (000.00.00.G09)`. */
export const named = (a: DemoAgency): string => `${a.organName} (${a.organId})`;
