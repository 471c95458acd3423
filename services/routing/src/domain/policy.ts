import { Channel } from '@omni/contracts';
import { type FieldViolation, InvalidArgumentError } from '@omni/errors';
import type { SkillLevels } from './agent';
import type { EscalationStep } from './escalation';

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
  /** Required too until an escalation step drops them. */
  optionalSkills: SkillLevels;
  priority: number;
  team: string;
}

export interface RoutingPolicy {
  version: number;
  rules: RoutingRule[];
  defaultPriority: number;
  escalation: EscalationStep[];
  /** How long a conversation waits for its last agent while that agent is full (0: never). */
  stickyWaitSeconds: number;
  /** Offer mode when above 0: seconds the chosen agent has to accept. */
  offerTimeoutSeconds: number;
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
  optionalSkills: SkillLevels;
  priority: number;
  team: string;
  matchedRules: string[];
  policyVersion: number;
}

/** In force until a tenant uploads its own: no skills needed, VIP customers first. */
export const DEFAULT_POLICY: RoutingPolicy = {
  version: 0,
  defaultPriority: 0,
  escalation: [],
  stickyWaitSeconds: 0,
  offerTimeoutSeconds: 0,
  rules: [
    {
      name: 'vip-first',
      match: { channels: [], inboxIds: [], languages: [], keywords: [], customerAttributes: { tier: 'vip' } },
      requiredSkills: {},
      optionalSkills: {},
      priority: 10,
      team: '',
    },
  ],
};

const SKILL_NAME = /^[a-z0-9][a-z0-9_.:-]{0,63}$/i;
const MAX_RULES = 500;
const MAX_RULE_NAME = 100;
const MAX_TEAM = 64;
const MAX_STEPS = 20;

/** Every matching rule adds its skills (highest level wins); the highest matching priority applies. */
export function requirementsFor(policy: RoutingPolicy, facts: OpenedFacts): Requirements {
  const requiredSkills: SkillLevels = {};
  const optionalSkills: SkillLevels = {};
  let priority: number | undefined;
  let team = '';
  const matchedRules: string[] = [];
  for (const rule of policy.rules) {
    if (!matches(rule.match, facts)) continue;
    matchedRules.push(rule.name);
    for (const [skill, level] of Object.entries(rule.requiredSkills)) {
      requiredSkills[skill] = Math.max(requiredSkills[skill] ?? 0, level);
    }
    for (const [skill, level] of Object.entries(rule.optionalSkills)) {
      optionalSkills[skill] = Math.max(optionalSkills[skill] ?? 0, level);
    }
    priority = Math.max(priority ?? Number.NEGATIVE_INFINITY, rule.priority);
    if (!team && rule.team) team = rule.team;
  }
  return {
    requiredSkills,
    optionalSkills,
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
  if (policy.rules.length > MAX_RULES) details.push({ field: 'rules', reason: `at most ${MAX_RULES} rules` });
  policy.rules.forEach((rule, index) => {
    const at = `rules[${index}]`;
    if (!rule.name.trim()) details.push({ field: `${at}.name`, reason: 'required' });
    else if (rule.name.length > MAX_RULE_NAME) {
      details.push({ field: `${at}.name`, reason: `at most ${MAX_RULE_NAME} characters` });
    } else if (names.has(rule.name)) details.push({ field: `${at}.name`, reason: `duplicate rule name ${rule.name}` });
    names.add(rule.name);
    for (const kind of ['required_skills', 'optional_skills'] as const) {
      const skills = kind === 'required_skills' ? rule.requiredSkills : rule.optionalSkills;
      for (const [skill, level] of Object.entries(skills)) {
        const field = `${at}.${kind}.${skill}`;
        if (!SKILL_NAME.test(skill)) details.push({ field, reason: 'skill names are letters, digits and _ . : -' });
        if (!Number.isInteger(level) || level < 1 || level > 10) details.push({ field, reason: 'level must be 1-10' });
        if (knownSkills && !knownSkills.has(skill)) warnings.push(`${field}: no agent has skill ${skill}`);
      }
    }
    if (rule.match.channels.some((c) => c === Channel.CHANNEL_UNSPECIFIED || !(c in Channel))) {
      details.push({ field: `${at}.match.channels`, reason: 'unknown channel' });
    }
    if (rule.match.keywords.some((k) => !k.trim()))
      details.push({ field: `${at}.match.keywords`, reason: 'empty keyword' });
    if (!Number.isInteger(rule.priority)) details.push({ field: `${at}.priority`, reason: 'must be an integer' });
    if (rule.team.length > MAX_TEAM) details.push({ field: `${at}.team`, reason: `at most ${MAX_TEAM} characters` });
  });
  details.push(...validateTimings(policy));
  if (details.length > 0) throw new InvalidArgumentError('invalid routing policy', { details });
  return warnings;
}

const MAX_SECONDS = 7 * 86_400;

function validateTimings(policy: Omit<RoutingPolicy, 'version'>): FieldViolation[] {
  const details: FieldViolation[] = [];
  const seconds = (field: string, value: number, min: number) => {
    if (!Number.isInteger(value) || value < min || value > MAX_SECONDS) {
      details.push({ field, reason: `whole seconds ${min}-${MAX_SECONDS}` });
    }
  };
  seconds('sticky_wait_seconds', policy.stickyWaitSeconds, 0);
  seconds('offer_timeout_seconds', policy.offerTimeoutSeconds, 0);
  if (policy.escalation.length > MAX_STEPS) details.push({ field: 'escalation', reason: `at most ${MAX_STEPS} steps` });
  policy.escalation.forEach((step, index) => {
    const at = `escalation[${index}]`;
    seconds(`${at}.after_seconds`, step.afterSeconds, 1);
    const previous = policy.escalation[index - 1];
    if (previous && step.afterSeconds <= previous.afterSeconds) {
      details.push({ field: `${at}.after_seconds`, reason: 'must be later than the step before' });
    }
    if (!Number.isInteger(step.lowerLevelsBy) || step.lowerLevelsBy < 0 || step.lowerLevelsBy > 9) {
      details.push({ field: `${at}.lower_levels_by`, reason: 'an integer 0-9' });
    }
    if (step.widenToTeam.length > MAX_TEAM) {
      details.push({ field: `${at}.widen_to_team`, reason: `at most ${MAX_TEAM} characters` });
    }
    if (!step.dropOptionalSkills && step.lowerLevelsBy === 0 && !step.widenToTeam.trim()) {
      details.push({ field: at, reason: 'a step must drop optional skills, lower levels or widen to a team' });
    }
  });
  return details;
}
