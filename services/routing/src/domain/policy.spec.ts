import { Channel } from '@omni/contracts';
import { InvalidArgumentError } from '@omni/errors';
import { DEFAULT_POLICY, type OpenedFacts, type RoutingPolicy, requirementsFor, validatePolicy } from './policy';

const facts: OpenedFacts = {
  channel: Channel.CHANNEL_WHATSAPP,
  inboxId: 'support',
  language: 'fr',
  subject: 'Facture',
  firstMessageText: 'Bonjour, mon invoice est fausse',
  customerAttributes: { tier: 'vip' },
};

const noMatch: RoutingPolicy['rules'][number]['match'] = {
  channels: [],
  inboxIds: [],
  languages: [],
  keywords: [],
  customerAttributes: {},
};

const timings = { escalation: [], stickyWaitSeconds: 0, offerTimeoutSeconds: 0 };
const policy: RoutingPolicy = {
  version: 3,
  defaultPriority: 1,
  ...timings,
  rules: [
    {
      name: 'french',
      match: { ...noMatch, languages: ['FR'] },
      requiredSkills: { french: 4 },
      optionalSkills: { german: 2 },
      priority: 2,
      team: 'emea',
    },
    {
      name: 'billing',
      match: { ...noMatch, keywords: ['invoice'] },
      requiredSkills: { billing: 3, french: 6 },
      optionalSkills: { german: 5 },
      priority: 5,
      team: '',
    },
    {
      name: 'email-only',
      match: { ...noMatch, channels: [Channel.CHANNEL_EMAIL] },
      requiredSkills: { email: 1 },
      optionalSkills: {},
      priority: 9,
      team: '',
    },
  ],
};

describe('routing policy', () => {
  it('merges every matching rule: highest level per skill, highest priority, first team', () => {
    expect(requirementsFor(policy, facts)).toEqual({
      requiredSkills: { french: 6, billing: 3 },
      optionalSkills: { german: 5 },
      priority: 5,
      team: 'emea',
      matchedRules: ['french', 'billing'],
      policyVersion: 3,
    });
  });

  it('falls back to the default priority when nothing matches', () => {
    expect(requirementsFor(policy, { ...facts, language: 'de', firstMessageText: 'hallo', subject: '' })).toMatchObject(
      {
        requiredSkills: {},
        priority: 1,
        matchedRules: [],
      },
    );
  });

  it('puts VIP customers first by default', () => {
    expect(requirementsFor(DEFAULT_POLICY, facts).priority).toBe(10);
    expect(requirementsFor(DEFAULT_POLICY, { ...facts, customerAttributes: {} }).priority).toBe(0);
  });

  it('refuses a policy with every problem named, and warns about skills nobody has', () => {
    const bad: Omit<RoutingPolicy, 'version'> = {
      defaultPriority: 0,
      ...timings,
      rules: [
        { name: '', match: noMatch, requiredSkills: { billing: 0 }, optionalSkills: {}, priority: 1, team: '' },
        {
          name: 'x',
          match: { ...noMatch, keywords: [' '] },
          requiredSkills: { 'bad skill': 3 },
          optionalSkills: {},
          priority: 1.5,
          team: '',
        },
      ],
    };
    try {
      validatePolicy(bad);
      throw new Error('accepted');
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).details?.map((d) => d.field)).toEqual([
        'rules[0].name',
        'rules[0].required_skills.billing',
        'rules[1].required_skills.bad skill',
        'rules[1].match.keywords',
        'rules[1].priority',
      ]);
    }
    expect(validatePolicy(policy, new Set(['french', 'billing', 'german']))).toEqual([
      'rules[2].required_skills.email: no agent has skill email',
    ]);
  });

  it('refuses escalation steps out of order or without effect, and negative waits', () => {
    const step = { afterSeconds: 60, dropOptionalSkills: true, lowerLevelsBy: 0, widenToTeam: '' };
    try {
      validatePolicy({
        ...policy,
        stickyWaitSeconds: -1,
        offerTimeoutSeconds: 1.5,
        escalation: [step, { ...step, afterSeconds: 60 }, { ...step, afterSeconds: 90, dropOptionalSkills: false }],
      });
      throw new Error('accepted');
    } catch (error: unknown) {
      expect((error as InvalidArgumentError).details?.map((d) => `${d.field}: ${d.reason}`)).toEqual([
        'sticky_wait_seconds: whole seconds 0-604800',
        'offer_timeout_seconds: whole seconds 0-604800',
        'escalation[1].after_seconds: must be later than the step before',
        'escalation[2]: a step must drop optional skills, lower levels or widen to a team',
      ]);
    }
  });

  it('bounds the sizes of rules, names, teams and escalation steps', () => {
    const rule = policy.rules[0] as RoutingPolicy['rules'][number];
    const step = { afterSeconds: 60, dropOptionalSkills: true, lowerLevelsBy: 0, widenToTeam: '' };
    try {
      validatePolicy({
        ...policy,
        rules: [
          { ...rule, name: 'n'.repeat(101), team: 't'.repeat(65) },
          ...Array.from({ length: 500 }, (_, i) => ({ ...rule, name: `r${i}` })),
        ],
        escalation: Array.from({ length: 21 }, (_, i) => ({
          ...step,
          afterSeconds: 60 + i,
          widenToTeam: 'w'.repeat(65),
        })),
      });
      throw new Error('accepted');
    } catch (error: unknown) {
      const details = (error as InvalidArgumentError).details?.map((d) => `${d.field}: ${d.reason}`);
      expect(details).toEqual(
        expect.arrayContaining([
          'rules: at most 500 rules',
          'rules[0].name: at most 100 characters',
          'rules[0].team: at most 64 characters',
          'escalation: at most 20 steps',
          'escalation[0].widen_to_team: at most 64 characters',
        ]),
      );
      expect(details).toHaveLength(4 + 21);
    }
  });
});
