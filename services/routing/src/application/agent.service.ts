import { InvalidArgumentError, NotFoundError } from '@omni/errors';
import type { AgentProfile, AgentRepository } from '../adapters/mongo/agent.repository';
import type { AgentDocument } from '../adapters/mongo/documents';
import { agentProfileViolations, type Presence } from '../domain/agent';
import { CHANNEL_GROUPS, type ChannelGroup } from '../domain/channel-group';
import type { Router } from './router';

/** Agent management with its routing consequences: more capacity or presence online pulls waiting work. */
export class AgentService {
  constructor(
    private readonly agents: AgentRepository,
    private readonly router: Router,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async upsert(tenantId: string, profile: AgentProfile): Promise<AgentDocument> {
    const details = agentProfileViolations(profile);
    if (details.length > 0) throw new InvalidArgumentError('invalid agent', { details });
    const { agent, grown } = await this.agents.upsertProfile(tenantId, profile, this.clock());
    if (grown.length > 0) await this.router.pullFor(tenantId, profile.agentId, grown);
    return (await this.agents.get(tenantId, profile.agentId)) ?? agent;
  }

  async get(tenantId: string, agentId: string): Promise<AgentDocument> {
    const agent = await this.agents.get(tenantId, agentId);
    if (!agent) throw new NotFoundError(`agent ${agentId} not found`);
    return agent;
  }

  async setPresence(tenantId: string, agentId: string, presence: Presence) {
    const changed = await this.agents.setPresence(tenantId, agentId, presence, this.clock());
    if (!changed) throw new NotFoundError(`agent ${agentId} not found`);
    let requeued: string[] = [];
    if (presence === 'offline') requeued = await this.router.requeueAgent(tenantId, agentId, 'agent offline');
    if (presence === 'online') await this.router.pullFor(tenantId, agentId, CHANNEL_GROUPS as readonly ChannelGroup[]);
    return { agent: await this.get(tenantId, agentId), requeued };
  }

  /** Keeps an online agent online; returns when it would expire. */
  async heartbeat(tenantId: string, agentId: string, ttlMs: number): Promise<Date> {
    const now = this.clock();
    if (!(await this.agents.heartbeat(tenantId, agentId, now))) throw new NotFoundError(`agent ${agentId} not found`);
    return new Date(now.getTime() + ttlMs);
  }
}
