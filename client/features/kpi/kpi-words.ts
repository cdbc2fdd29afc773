import { useMemo } from 'react'
import { type Lang, useI18n } from '../../i18n/index.ts'
import { interpolate, type Params } from '../../lib/translate.ts'

/**
 * The KPI page's words. They live here, not in client/i18n, so that the feature stays in its own
 * folder; the language is the app's (useI18n().lang). `{name}` placeholders as in the i18n files.
 */
const zhCN = {
  title: '诉求闭环考核',
  subtitle: '满意率、按时办结率、办理时长、一次办结率与重复诉求率（中国时间）',
  period: '统计区间',
  presets: '快捷区间',
  'preset.last30': '近 30 天',
  'preset.thisMonth': '本月',
  'preset.lastMonth': '上月',
  'preset.thisYear': '今年',
  from: '开始日期',
  last: '结束日期（含）',
  by: '分组',
  'by.department': '按部门',
  'by.area': '按区域',
  'by.month': '按月',
  'by.week': '按周',
  'by.day': '按日',
  'problem.invalid': '请输入有效的日期',
  'problem.order': '开始日期不能晚于结束日期',
  'problem.span': '统计区间不能超过 3 年',
  loading: '加载中…',
  error: '加载失败：{message}',
  empty: '本期暂无数据',
  updating: '更新中…',

  'total.satisfaction': '满意率',
  'total.satisfaction.caption': '满意与基本满意 / 回访',
  'total.onTime': '按时办结率',
  'total.onTime.caption': '按时办结 / (办结 + 超期未办结)',
  'total.meanHours': '平均办理时长',
  'total.p90Hours': '90% 办理时长',
  'total.hours.caption': '{closed} 件办结',
  'total.firstContact': '一次办结率',
  'total.firstContact.caption': '即接即办 / 办结',
  'total.repeat': '重复诉求率',
  'total.repeat.caption': '重复件 / 受理',
  hours: '{value} 小时',
  hoursUnit: '小时',

  'chart.rates': '按时办结率与满意率',
  'chart.volume': '受理、办结与超期未办结',
  'chart.hours': '办理时长',
  'chart.league': '吹哨报到 · 晒一晒',
  'chart.league.note': '按部门接收的吹哨任务（派发时间在统计区间内），按平均评分排序',
  'chart.volume.bucketNote': '超期未办结为各时段末的状态',

  'series.onTimeRate': '按时办结率',
  'series.satisfactionRate': '满意率',
  'series.received': '受理量',
  'series.closed': '办结量',
  'series.openOverdue': '超期未办结',
  'series.meanHours': '平均时长',
  'series.p90Hours': '90% 时长',
  'series.meanScore': '平均评分',
  'league.label': '{score} · 按时 {rate}',
  'league.onTime': '按时报到率',

  'league.col.department': '部门',
  'league.col.received': '接收任务',
  'league.col.reported': '已报到',
  'league.col.reportedOnTime': '按时报到',
  'league.col.openOverdue': '超期未报到',
  'league.col.onTimeRate': '按时报到率',
  'league.col.scored': '已评分',
  'league.col.meanScore': '平均评分',
  'league.empty': '本期没有吹哨任务',
}

export type KpiWordKey = keyof typeof zhCN
export type KpiWords = Readonly<Record<KpiWordKey, string>>

const en: KpiWords = {
  title: 'Closed-loop KPIs',
  subtitle: 'Satisfaction, on-time closure, handling time, first contact and repeat requests (China time)',
  period: 'Period',
  presets: 'Quick periods',
  'preset.last30': 'Last 30 days',
  'preset.thisMonth': 'This month',
  'preset.lastMonth': 'Last month',
  'preset.thisYear': 'This year',
  from: 'From',
  last: 'To (inclusive)',
  by: 'Group by',
  'by.department': 'Department',
  'by.area': 'Area',
  'by.month': 'Month',
  'by.week': 'Week',
  'by.day': 'Day',
  'problem.invalid': 'Enter valid dates',
  'problem.order': 'The start date must not be after the end date',
  'problem.span': 'The period may span at most 3 years',
  loading: 'Loading…',
  error: 'Could not load: {message}',
  empty: 'No data for this period',
  updating: 'Updating…',

  'total.satisfaction': 'Satisfaction rate',
  'total.satisfaction.caption': 'satisfied or basically satisfied / rated',
  'total.onTime': 'On-time rate',
  'total.onTime.caption': 'closed on time / (closed + open overdue)',
  'total.meanHours': 'Mean handling time',
  'total.p90Hours': 'P90 handling time',
  'total.hours.caption': '{closed} closed',
  'total.firstContact': 'First-contact rate',
  'total.firstContact.caption': 'resolved at intake / closed',
  'total.repeat': 'Repeat-request rate',
  'total.repeat.caption': 'duplicates / received',
  hours: '{value} h',
  hoursUnit: 'h',

  'chart.rates': 'On-time and satisfaction rates',
  'chart.volume': 'Received, closed and open overdue',
  'chart.hours': 'Handling time',
  'chart.league': 'Whistle league (晒一晒)',
  'chart.league.note': 'Whistle tasks received per department (issued in the period), by mean score',
  'chart.volume.bucketNote': 'Open overdue: as at the end of each period',

  'series.onTimeRate': 'On-time rate',
  'series.satisfactionRate': 'Satisfaction rate',
  'series.received': 'Received',
  'series.closed': 'Closed',
  'series.openOverdue': 'Open overdue',
  'series.meanHours': 'Mean',
  'series.p90Hours': 'P90',
  'series.meanScore': 'Mean score',
  'league.label': '{score} · on time {rate}',
  'league.onTime': 'Reported on time',

  'league.col.department': 'Department',
  'league.col.received': 'Tasks',
  'league.col.reported': 'Reported',
  'league.col.reportedOnTime': 'On time',
  'league.col.openOverdue': 'Overdue',
  'league.col.onTimeRate': 'On-time rate',
  'league.col.scored': 'Scored',
  'league.col.meanScore': 'Mean score',
  'league.empty': 'No whistle tasks in this period',
}

export const KPI_WORDS: { readonly 'zh-CN': KpiWords; readonly en: KpiWords } = { 'zh-CN': zhCN, en }

/** The words in one language, and a lookup with `{name}` placeholders. */
export interface KpiText {
  lang: Lang
  words: KpiWords
  w: (key: KpiWordKey, params?: Params) => string
}

/** The words for `lang`; a language without its own words reads Chinese. */
export function kpiText(lang: Lang): KpiText {
  const words = (KPI_WORDS as Partial<Record<string, KpiWords>>)[lang] ?? KPI_WORDS['zh-CN']
  return { lang, words, w: (key, params) => interpolate(words[key], params) }
}

/** The KPI page's words in the app's current language. */
export function useKpiWords(): KpiText {
  const { lang } = useI18n()
  return useMemo(() => kpiText(lang), [lang])
}
