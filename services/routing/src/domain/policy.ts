import { Channel } from '@omni/contracts';
import { type FieldViolation, InvalidArgumentError } from '@omni/errors';
import type { SkillLevels } from './agent';

export interface RuleMatch {
  channels: Channel[];
  inboxIds: string[];
  languages: string[];
  keywords: string[];
  customerAttributes: Record<string, string>;
}

export interface RoutingRule {
  name: string;
  match: RuleMatch;
  requiredSkills: SkillLevels;
  priority: number;
  team: string;
}

export interface RoutingPolicy {
  version: number;
  rules: RoutingRule[];
  defaultPriority: number;
}

/** What a conversation brings to the policy: its ConversationOpened facts. */
export interface OpenedFacts {
  channel: Channel;
  inboxId: string;
  language: string;
  subject: string;
  firstMessageText: string;
  customerAttributes: Record<string, string>;
}

export interface Requirements {
  requiredSkills: SkillLevels;
  priority: number;
  team: string;
  matchedRules: string[];
  policyVersion: number;
}

/** In force until a tenant uploads its own: no skills needed, VIP customers first. */
export const DEFAULT_POLICY: RoutingPolicy = {
  version: 0,
  defaultPriority: 0,
  rules: [
    {
      name: 'vip-first',
      match: { channels: [], inboxIds: [], languages: [], keywords: [], customerAttributes: { tier: 'vip' } },
      requiredSkills: {},
      priority: 10,
      team: '',
    },
  ],
};

const SKILL_NAME = /^[a-z0-9][a-z0-9_.:-]{0,63}$/i;

/** Every matching rule adds its skills (highest level wins); the highest matching priority applies. */
export function requirementsFor(policy: RoutingPolicy, facts: OpenedFacts): Requirements {
  const requiredSkills: SkillLevels = {};
  let priority: number | undefined;
  let team = '';
  const matchedRules: string[] = [];
  for (const rule of policy.rules) {
    if (!matches(rule.match, facts)) continue;
    matchedRules.push(rule.name);
    for (const [skill, level] of Object.entries(rule.requiredSkills)) {
      requiredSkills[skill] = Math.max(requiredSkills[skill] ?? 0, level);
    }
    priority = Math.max(priority ?? Number.NEGATIVE_INFINITY, rule.priority);
    if (!team && rule.team) team = rule.team;
  }
  return {
    requiredSkills,
    priority: priority ?? policy.defaultPriority,
    team,
    matchedRules,
    policyVersion: policy.version,
  };
}

function matches(match: RuleMatch, facts: OpenedFacts): boolean {
  if (match.channels.length > 0 && !match.channels.includes(facts.channel)) return false;
  if (match.inboxIds.length > 0 && !match.inboxIds.includes(facts.inboxId)) return false;
  const language = facts.language.toLowerCase();
  if (match.languages.length > 0 && !match.languages.some((l) => l.toLowerCase() === language)) return false;
  if (match.keywords.length > 0) {
    const words = new Set(`${facts.subject} ${facts.firstMessageText}`.toLowerCase().split(/[^\p{L}\p{N}]+/u));
    if (!match.keywords.some((keyword) => words.has(keyword.toLowerCase()))) return false;
  }
  return Object.entries(match.customerAttributes).every(([key, value]) => facts.customerAttributes[key] === value);
}

/**
 * Refuses a policy with every problem named (the caller keeps the policy in
 * force); returns warnings for skills no agent has yet, which are allowed
 * because agents may be added after the policy.
 */
export function validatePolicy(policy: Omit<RoutingPolicy, 'version'>, knownSkills?: ReadonlySet<string>): string[] {
  const details: FieldViolation[] = [];
  const warnings: string[] = [];
  const names = new Set<string>();
  policy.rules.forEach((rule, index) => {
    const at = `rules[${index}]`;
    if (!rule.name.trim()) details.push({ field: `${at}.name`, reason: 'required' });
    else if (names.has(rule.name)) details.push({ field: `${at}.name`, reason: `duplicate rule name ${rule.name}` });
    names.add(rule.name);
    for (const [skill, level] of Object.entries(rule.requiredSkills)) {
      const field = `${at}.required_skills.${skill}`;
      if (!SKILL_NAME.test(skill)) details.push({ field, reason: 'skill names are letters, digits and _ . : -' });
      if (!Number.isInteger(level) || level < 1 || level > 10) details.push({ field, reason: 'level must be 1-10' });
      if (knownSkills && !knownSkills.has(skill)) warnings.push(`${field}: no agent has skill ${skill}`);
    }
    if (rule.match.channels.some((c) => c === Channel.CHANNEL_UNSPECIFIED || !(c in Channel))) {
      details.push({ field: `${at}.match.channels`, reason: 'unknown channel' });
    }
    if (rule.match.keywords.some((k) => !k.trim()))
      details.push({ field: `${at}.match.keywords`, reason: 'empty keyword' });
    if (!Number.isInteger(rule.priority)) details.push({ field: `${at}.priority`, reason: 'must be an integer' });
  });
  if (details.length > 0) throw new InvalidArgumentError('invalid routing policy', { details });
  return warnings;
}
